/**
 * Who may do what, in one place. Each route declares one of these lists in its `config.allow`;
 * the auth plugin enforces it and the OpenAPI document shows it on every operation.
 */
export const ROLES = ['viewer', 'contributor', 'registrar', 'approver', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const allow = {
  /** Any valid key: reading the register and the reference data. */
  anyKey: ROLES,
  /** Delivery leads and up: progress updates. */
  contributors: ['contributor', 'registrar', 'approver', 'admin'],
  /** The liaison officer: writing the register, moving closure requests. */
  registrars: ['registrar', 'admin'],
  /** The board: reviews and approving closure requests. */
  approvers: ['approver', 'admin'],
  /** Managing API keys and webhooks. */
  admins: ['admin']
} as const satisfies Record<string, readonly Role[]>

/** The caller, as its API key describes it. `force` is null for a national key. */
export interface Principal {
  keyId: string
  name: string
  role: Role
  force: string | null
}

export function isNational(principal: Principal): boolean {
  return principal.force === null
}

/** True when the caller may see data of the given force (a national key sees every force). */
export function canSeeForce(principal: Principal, force: string | null): boolean {
  return principal.force === null || principal.force === force
}
