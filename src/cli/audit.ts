import type { Command, CommandGroup } from './command.ts'
import { EXIT } from './errors.ts'
import { plural } from './output.ts'

const verify: Command = {
  name: 'audit verify',
  summary: "check the audit log's hash chain and report the first broken link",
  description: [
    'Walks the hash chain the service seals the audit log into, from its first entry, recomputing every hash, and reports ' +
      'the first link that does not hold: the entry (its id and when it happened) and what is wrong with it: a field ' +
      'changed since it was sealed (named), an entry deleted, an entry added among sealed ones, or a seal rewritten. ' +
      'Otherwise it says that all N sealed entries verify, and gives the last link (its position and hash): keep that ' +
      'somewhere else, so that a later run can show the chain still passes through it.',
    'The service seals committed entries every second (AUDIT_SEAL_MS), so the newest few may not be sealed yet; they ' +
      'are counted, not checked. Reads only. Exit code 0 when the chain holds, 65 when a link is broken.'
  ],
  examples: ['peel-register audit verify', 'peel-register audit verify --json'],
  options: { json: { type: 'boolean', description: 'Print the result as JSON.' } },
  positionals: [],
  async run(args, io) {
    const [{ withDatabase }, { verifyAuditChain }] = await Promise.all([import('./context.ts'), import('../domain/audit/audit-chain.ts')])
    return withDatabase(io, async ({ db }) => {
      const result = await verifyAuditChain(db)
      if (args.flag('json')) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
        return result.broken === null ? EXIT.ok : EXIT.dataError
      }
      const pending = result.unsealed > 0 ? ` ${plural(result.unsealed, 'newer entry', 'newer entries')} not sealed yet.` : ''
      const { broken, head } = result
      if (broken === null) {
        const last = head === null ? '' : ` Last link: ${head.seq} ${head.hash}.`
        io.stdout.write(`All ${plural(result.verified, 'sealed audit entry', 'sealed audit entries')} verify.${last}${pending}\n`)
        return EXIT.ok
      }
      const when = broken.occurredAt === null ? '' : ` (${broken.occurredAt})`
      io.stdout.write(
        `The audit log is broken at entry ${broken.entryId}${when}: ${broken.detail}.\n` +
          `${plural(result.verified, 'entry', 'entries')} before it verify.${pending}\n`
      )
      return EXIT.dataError
    })
  }
}

export const audit: CommandGroup = {
  name: 'audit',
  summary: "verify the audit log's hash chain",
  commands: [verify]
}
