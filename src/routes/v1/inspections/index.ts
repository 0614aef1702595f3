import type { FastifyInstance } from 'fastify'
import { allow } from '../../../domain/access/roles.ts'
import {
  CreateInspectionBody,
  InspectionListQuery,
  InspectionSchema,
  UpdateInspectionBody
} from '../../../domain/inspections/inspections.schemas.ts'
import * as inspections from '../../../domain/inspections/inspections.service.ts'
import { crudRoutes } from '../crud.ts'

export default async function inspectionRoutes(app: FastifyInstance) {
  crudRoutes(app, {
    name: 'Inspection',
    plural: 'Inspections',
    path: '/v1/inspections',
    tag: 'register',
    readers: allow.anyKey,
    writers: allow.registrars,
    schema: InspectionSchema,
    createBody: CreateInspectionBody,
    updateBody: UpdateInspectionBody,
    listQuery: InspectionListQuery,
    summaries: {
      list: 'The inspections that produced findings, with their milestones',
      create: 'Record an inspection',
      get: 'One inspection',
      update: 'Change an inspection or its milestones',
      remove: 'Remove an inspection no finding came from'
    },
    createDescription: 'A national key names the `force`; a force key may leave it out.',
    list: (principal, query) => inspections.listInspections(app.db, principal, query),
    get: (principal, id) => inspections.getInspection(app.db, principal, id),
    create: (principal, actor, body, key) => inspections.createInspection(app.db, principal, actor, body as never, key),
    update: (principal, actor, id, version, body) => inspections.updateInspection(app.db, principal, actor, id, version, body as never),
    remove: (principal, actor, id, version) => inspections.deleteInspection(app.db, principal, actor, id, version)
  })
}
