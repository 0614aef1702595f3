import type { Executor } from '../../db/database.ts'
import { forbidden, invalidField, notFound } from '../../problems.ts'
import * as forces from '../forces/forces.repository.ts'
import type { Principal } from '../access/roles.ts'

/**
 * The force whose register a write goes to: a force key writes to its own (naming another is
 * 403); a national key must say which.
 */
export function forceForWrite(principal: Principal, requested: string | undefined, location: 'body' | 'query' = 'body'): string {
  if (principal.force !== null) {
    if (requested !== undefined && requested !== principal.force) {
      throw forbidden(`This key writes to the register of ${principal.force} only.`)
    }
    return principal.force
  }
  if (requested === undefined) throw invalidField(location, 'force', 'is required with a national key: name the force whose register this is')
  return requested
}

/** The force a list is limited to: a force key sees its own; a national key, what it asks for (or all). */
export function forceForRead(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.force !== null) {
    if (requested !== undefined && requested !== principal.force) {
      throw forbidden(`This key sees the register of ${principal.force} only.`)
    }
    return principal.force
  }
  return requested
}

/**
 * The one force a whole-register read (a report, an export) is about: a force key's own; a
 * national key must name it (400), and it must exist (404).
 */
export async function registerForce(db: Executor, principal: Principal, requested: string | undefined): Promise<string> {
  const force = forceForRead(principal, requested)
  if (force === undefined) throw invalidField('query', 'force', 'is required with a national key: name the force whose register this is')
  if (!(await forces.exists(db, force))) throw notFound(`No force with code ${force}.`)
  return force
}
