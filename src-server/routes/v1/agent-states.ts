import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgentStateEvent, AgentStateEventQuery, AgentStateRead, AgentStateSettings } from '../../../src-shared/schemas/agent-states';
import { pageOf } from '../../../src-shared/schemas/common';
import { getAgentStateSettings, listAgentStateEvents, listAgentStates, putAgentStateSettings } from '../../domain/agent-states';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';

/** Agent states are written through the sync push (`agent_state.set`); the API reads them. */
export function v1AgentStateRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/agent-states',
      {
        schema: {
          tags: ['agent-states'],
          summary: "Each agent's current state (supervisors and admins: everyone; agents: their own)",
          params: OrgParams,
          response: { 200: z.object({ items: z.array(AgentStateRead) }) },
        },
      },
      async (req) => ({ items: await listAgentStates(ctx, orgActor(req, req.params.org_id)) }),
    );

    app.get(
      '/organizations/:org_id/agent-state-events',
      {
        schema: {
          tags: ['agent-states'],
          summary: 'State changes with the time each happened, oldest first (agents: their own)',
          params: OrgParams,
          querystring: AgentStateEventQuery,
          response: { 200: pageOf(AgentStateEvent) },
        },
      },
      async (req) => listAgentStateEvents(ctx, orgActor(req, req.params.org_id), req.query),
    );

    app.get(
      '/organizations/:org_id/agent-state-settings',
      {
        schema: {
          tags: ['agent-states'],
          summary: "The organization's not-ready reasons and after-call-work limit",
          params: OrgParams,
          response: { 200: AgentStateSettings },
        },
      },
      async (req) => getAgentStateSettings(ctx, orgActor(req, req.params.org_id)),
    );

    app.put(
      '/organizations/:org_id/agent-state-settings',
      {
        schema: {
          tags: ['agent-states'],
          summary: 'Replace the not-ready reasons and after-call-work limit (admins)',
          params: OrgParams,
          body: AgentStateSettings,
          response: { 200: AgentStateSettings },
        },
      },
      async (req) => putAgentStateSettings(ctx, orgActor(req, req.params.org_id), req.body),
    );
  };
}
