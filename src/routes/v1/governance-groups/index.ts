import type { FastifyInstance } from 'fastify'
import { allow } from '../../../domain/access/roles.ts'
import {
  CreateGovernanceGroupBody,
  GovernanceGroupListQuery,
  GovernanceGroupSchema,
  UpdateGovernanceGroupBody
} from '../../../domain/governance-groups/governance-groups.schemas.ts'
import * as groups from '../../../domain/governance-groups/governance-groups.service.ts'
import { crudRoutes } from '../crud.ts'

export default async function governanceGroups(app: FastifyInstance) {
  crudRoutes(app, {
    name: 'GovernanceGroup',
    plural: 'GovernanceGroups',
    path: '/v1/governance-groups',
    tag: 'register',
    readers: allow.anyKey,
    writers: allow.registrars,
    schema: GovernanceGroupSchema,
    createBody: CreateGovernanceGroupBody,
    updateBody: UpdateGovernanceGroupBody,
    listQuery: GovernanceGroupListQuery,
    summaries: {
      list: 'The boards and groups that monitor findings',
      create: 'Add a governance group to a force register',
      get: 'One governance group',
      update: 'Change a governance group',
      remove: 'Remove a governance group no finding is assigned to'
    },
    createDescription: 'A national key names the `force`; a force key may leave it out.',
    list: (principal, query) => groups.listGroups(app.db, principal, query),
    get: (principal, id) => groups.getGroup(app.db, principal, id),
    create: (principal, actor, body, key) => groups.createGroup(app.db, principal, actor, body as never, key),
    update: (principal, actor, id, version, body) => groups.updateGroup(app.db, principal, actor, id, version, body as never),
    remove: (principal, actor, id, version) => groups.deleteGroup(app.db, principal, actor, id, version)
  })
}
