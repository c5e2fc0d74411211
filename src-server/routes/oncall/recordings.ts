/** Seed 003's call recordings. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { onCallPageOf, toOnCallPage } from '../../../src-shared/schemas/common';
import { Recording, RecordingCreate, RecordingListQuery, RecordingUpdate } from '../../../src-shared/schemas/oncall';
import { createRecording, getRecording, listRecordings, updateRecording } from '../../domain/recordings';
import type { ServerContext } from '../../domain/server-context';
import { actorOf } from '../../http/auth';
import { IdParams } from '../../http/params';

export function oncallRecordingRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/recordings',
      {
        schema: {
          tags: ['oncall'],
          summary: 'List recordings (agents: of their own calls)',
          querystring: RecordingListQuery,
          response: { 200: onCallPageOf(Recording) },
        },
      },
      async (req) => toOnCallPage(await listRecordings(ctx, actorOf(req), req.query)),
    );

    app.post(
      '/recordings',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Register a recording of a call the caller can see',
          body: RecordingCreate,
          response: { 201: Recording },
        },
      },
      async (req, reply) => reply.status(201).send(await createRecording(ctx, actorOf(req), req.body)),
    );

    app.get(
      '/recordings/:id',
      { schema: { tags: ['oncall'], summary: 'Get a recording', params: IdParams, response: { 200: Recording } } },
      async (req) => getRecording(ctx, actorOf(req), req.params.id),
    );

    app.patch(
      '/recordings/:id',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Update a recording (metadata is merged)',
          params: IdParams,
          body: RecordingUpdate,
          response: { 200: Recording },
        },
      },
      async (req) => updateRecording(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
