import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageOf } from '../../../src-shared/schemas/common';
import { PatientCreate, PatientListQuery, PatientRead, PatientUpdate } from '../../../src-shared/schemas/patients';
import { createPatient, getPatient, listPatients, updatePatient } from '../../domain/patients';
import type { ServerContext } from '../../domain/server-context';
import { OrgParams, orgActor } from '../../http/params';

const PatientParams = OrgParams.extend({ patient_id: z.uuid() });

export function v1PatientRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:org_id/patients',
      {
        schema: {
          tags: ['patients'],
          summary: 'Search patients: q = name prefix or a phone number in any format; phone = screen-pop lookup',
          params: OrgParams,
          querystring: PatientListQuery,
          response: { 200: pageOf(PatientRead) },
        },
      },
      async (req) => listPatients(ctx, orgActor(req, req.params.org_id), req.query),
    );

    app.post(
      '/organizations/:org_id/patients',
      {
        schema: {
          tags: ['patients'],
          summary: 'Register a patient (phone numbers are stored in E.164)',
          params: OrgParams,
          body: PatientCreate,
          response: { 201: PatientRead },
        },
      },
      async (req, reply) => {
        const patient = await createPatient(ctx, orgActor(req, req.params.org_id), req.body);
        return reply.status(201).send(patient);
      },
    );

    app.get(
      '/organizations/:org_id/patients/:patient_id',
      { schema: { tags: ['patients'], summary: 'Get a patient', params: PatientParams, response: { 200: PatientRead } } },
      async (req) => getPatient(ctx, orgActor(req, req.params.org_id), req.params.patient_id),
    );

    app.patch(
      '/organizations/:org_id/patients/:patient_id',
      {
        schema: {
          tags: ['patients'],
          summary: 'Update a patient',
          params: PatientParams,
          body: PatientUpdate,
          response: { 200: PatientRead },
        },
      },
      async (req) => updatePatient(ctx, orgActor(req, req.params.org_id), req.params.patient_id, req.body),
    );
  };
}
