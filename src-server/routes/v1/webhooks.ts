import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageOf, PageQuery } from '../../../src-shared/schemas/common';
import {
  DeliveryListQuery,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookRead,
} from '../../../src-shared/schemas/webhooks';
import type { ServerContext } from '../../domain/server-context';
import { createWebhook, deleteWebhook, enableWebhook, listDeliveries, listWebhooks } from '../../domain/webhooks';
import { OrgParams, orgActor } from '../../http/params';

const WebhookParams = OrgParams.extend({ webhook_id: z.uuid() });

export function v1WebhookRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/organizations/:org_id/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to events (admin; the signing secret is shown in this answer only)',
          params: OrgParams,
          body: WebhookCreate,
          response: { 201: WebhookCreated },
        },
      },
      async (req, reply) => {
        const created = await createWebhook(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/organizations/:org_id/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: "List the organization's webhooks, deleted ones included (admin)",
          params: OrgParams,
          querystring: PageQuery,
          response: { 200: pageOf(WebhookRead) },
        },
      },
      async (req) => listWebhooks(ctx, orgActor(req, req.params.org_id), req.query),
    );

    app.delete(
      '/organizations/:org_id/webhooks/:webhook_id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delete (deactivate) a webhook; its pending deliveries fail (admin)',
          params: WebhookParams,
          response: { 200: WebhookRead },
        },
      },
      async (req) => deleteWebhook(ctx, orgActor(req, req.params.org_id), req.params.webhook_id),
    );

    app.post(
      '/organizations/:org_id/webhooks/:webhook_id/enable',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Re-enable a webhook that was disabled for failing (signed-in admin)',
          params: WebhookParams,
          response: { 200: WebhookRead },
        },
      },
      async (req) => enableWebhook(ctx, orgActor(req, req.params.org_id), req.params.webhook_id),
    );

    app.get(
      '/organizations/:org_id/webhooks/:webhook_id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: "A webhook's delivery log, newest first (admin)",
          params: WebhookParams,
          querystring: DeliveryListQuery,
          response: { 200: pageOf(WebhookDelivery) },
        },
      },
      async (req) => listDeliveries(ctx, orgActor(req, req.params.org_id), req.params.webhook_id, req.query),
    );
  };
}
