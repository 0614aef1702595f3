import { forbidden, invalidField } from '../../problems.ts'
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
