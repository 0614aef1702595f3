import type { ClosedVia } from '../../db/database.ts'
import type { Role } from '../access/roles.ts'

export const CLOSURE_STATUSES = ['draft', 'board_review', 'returned', 'approved', 'with_fll', 'awaiting_signoff', 'closed', 'rejected', 'withdrawn'] as const
export type ClosureStatus = (typeof CLOSURE_STATUSES)[number]

export const CLOSURE_ACTIONS = ['submit', 'approve', 'return', 'send_to_fll', 'close', 'close_pending_signoff', 'sign_off', 'reject', 'withdraw'] as const
export type ClosureAction = (typeof CLOSURE_ACTIONS)[number]

/**
 * How a finding came to be closed: its closure request reached closed (or awaiting sign-off); an
 * import brought in a closure made before the register was kept here; or it was closed by a
 * direct write before the workflow became the only way to close (set by a migration only).
 */
export const CLOSED_VIA = ['closure_request', 'import', 'legacy'] as const satisfies readonly ClosedVia[]

export const LIVE_STATUSES: ClosureStatus[] = ['draft', 'board_review', 'returned', 'approved', 'with_fll', 'awaiting_signoff']

const REGISTRARS: Role[] = ['registrar', 'admin']
const APPROVERS: Role[] = ['approver', 'admin']

interface Rule {
  from: ClosureStatus[]
  to: ClosureStatus
  roles: Role[]
  /** The board must not approve (or return) what the same holder submitted: see `sameHolder`. */
  notBySubmitter?: boolean
  /** The FLL's feedback must be recorded. */
  noteRequired?: boolean
}

/**
 * The closure path of 001 sections 3.2 to 3.5, as a table: which action moves a request from which
 * states to which, and who may take it.
 */
export const TRANSITIONS: Record<ClosureAction, Rule> = {
  submit: { from: ['draft', 'returned'], to: 'board_review', roles: REGISTRARS },
  approve: { from: ['board_review'], to: 'approved', roles: APPROVERS, notBySubmitter: true },
  return: { from: ['board_review'], to: 'returned', roles: APPROVERS, notBySubmitter: true },
  send_to_fll: { from: ['approved'], to: 'with_fll', roles: REGISTRARS },
  close: { from: ['with_fll'], to: 'closed', roles: REGISTRARS },
  close_pending_signoff: { from: ['with_fll'], to: 'awaiting_signoff', roles: REGISTRARS },
  sign_off: { from: ['awaiting_signoff'], to: 'closed', roles: REGISTRARS },
  reject: { from: ['with_fll'], to: 'rejected', roles: REGISTRARS, noteRequired: true },
  withdraw: { from: ['draft', 'board_review', 'returned', 'approved'], to: 'withdrawn', roles: REGISTRARS }
}

/** What the finding becomes when its request reaches a state: register status, and the portal's. */
export function findingFollows(status: ClosureStatus): { status: string; portalStatus?: string; portalNote?: string | null } {
  switch (status) {
    case 'draft':
    case 'board_review':
    case 'approved':
    case 'with_fll':
      return { status: 'closure_requested' }
    case 'returned':
    case 'rejected':
    case 'withdrawn':
      return { status: 'open' }
    case 'awaiting_signoff':
      return { status: 'closed', portalStatus: 'open', portalNote: 'Closed by the Force Liaison Lead; awaiting central sign-off.' }
    case 'closed':
      return { status: 'closed', portalStatus: 'closed', portalNote: null }
  }
}

/** Who could act as a key: itself and each key whose holder saw its secret (api-keys.repository.ts `secretHolders`). */
export interface KeyHolders {
  id: string
  /** Each holder, and whether the operator issued it (command line, first start): the operator can act as any key and is trusted as such. */
  holders: Array<{ id: string; root: boolean }>
}

/**
 * Separation of duties with API keys alone: a key's secret is known to its holder and to whoever
 * issued it (created it, or rotated it last); so is the secret of every key that issuer issued.
 * Two keys may be one person when one is among the other's holders, or when both were issued
 * through the same key short of the operator. The board's approving key must be neither: the
 * operator, or an admin other than the one who issued the registrar's key, issues it.
 */
export function sameHolder(submitter: KeyHolders, approver: KeyHolders): boolean {
  const actors = new Set([submitter.id, approver.id])
  const approvers = new Set(approver.holders.map((k) => k.id))
  return submitter.holders.some((k) => approvers.has(k.id) && (!k.root || actors.has(k.id)))
}
