import { ROLES, type Role } from '../domain/access/roles.ts'
import type { ApiKeyView } from '../domain/api-keys/api-keys.service.ts'
import type { Command, CommandGroup } from './command.ts'
import { EXIT, UsageError } from './errors.ts'
import { table } from './output.ts'

// The database, the domain and their schemas load when a command runs (see main.ts).
const domain = () => Promise.all([import('./context.ts'), import('../domain/api-keys/api-keys.service.ts')])

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const json = { type: 'boolean', description: 'Print the result as JSON.' } as const

/** The same checks the API applies to a new key's name, role and force, worded for options. */
async function newKeyInput(
  name: string,
  role: string,
  force: string | undefined,
  expires: string | undefined
): Promise<{ name: string; role: Role; force: string | null; expiresAt?: string }> {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`)
  const [{ Value }, { CreateApiKeyBody }] = await Promise.all([import('typebox/value'), import('../domain/api-keys/api-keys.schemas.ts')])
  const input = { name, role, force: force ?? null, ...(expires === undefined ? {} : { expiresAt: expiry(expires) }) }
  const error = Value.Errors(CreateApiKeyBody, input)[0]
  if (error !== undefined) {
    const field = error.instancePath.split('/')[1] ?? ''
    if (field === 'force') throw new UsageError(`--force must be a force code such as cleveland or avon-and-somerset, got "${force}"`)
    throw new UsageError(`--${field} ${error.message}`)
  }
  return input as { name: string; role: Role; force: string | null; expiresAt?: string }
}

/** --expires: a date (the end of that day, UTC) or a date and time with its zone. */
function expiry(value: string): string {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at) || Number.isNaN(Date.parse(at))) {
    throw new UsageError(`--expires must be a date (2027-03-31) or a date and time with its zone (2027-03-31T18:00:00Z), got "${value}"`)
  }
  return new Date(at).toISOString()
}

const expires = { type: 'string', value: 'WHEN', description: 'When the key stops working: a date (the end of that day, UTC) or a date and time with its zone.' } as const

const describe = (key: ApiKeyView) => `${key.role} key "${key.name}" ${key.force === null ? '(national)' : `for ${key.force}`}, id ${key.id}`

const create: Command = {
  name: 'keys create',
  summary: 'create an API key and print its secret, once',
  description: [
    'Creates an API key with a role, bound to a force (--force) or national (without it). The secret is printed on stdout, ' +
      'alone on its line, and never again: only its hash is kept. What the key is goes to stderr, so KEY=$(peel-register keys ' +
      'create ...) captures the secret alone.',
    `Roles: ${ROLES.join(', ')} (see the README, "API keys and roles"). This is also the way to an admin key when none is at hand.`
  ],
  examples: [
    'peel-register keys create --name "performance dashboard" --role viewer --force cleveland',
    'peel-register keys create --name "national admin" --role admin',
    'peel-register keys create --name "audit visit" --role viewer --force durham --expires 2027-03-31'
  ],
  options: {
    name: { type: 'string', value: 'NAME', required: true, description: 'Who or what uses the key (1 to 200 characters).' },
    role: { type: 'string', value: 'ROLE', required: true, description: `One of ${ROLES.join(', ')}.` },
    force: { type: 'string', value: 'CODE', description: 'The force the key is bound to; without it the key is national and sees every force.' },
    expires,
    json
  },
  positionals: [],
  async run(args, io) {
    const input = await newKeyInput(args.required('name'), args.required('role'), args.string('force'), args.string('expires'))
    const [{ CLI_PRINCIPAL, cliActor, withDatabase }, { createKey }] = await domain()
    return withDatabase(io, async ({ db }) => {
      const { view, secret } = await createKey(db, CLI_PRINCIPAL, cliActor('keys create'), input)
      if (args.flag('json')) {
        io.stdout.write(`${JSON.stringify({ ...view, key: secret }, null, 2)}\n`)
      } else {
        io.stderr.write(`Created ${describe(view)}.\nIts secret follows, shown this once: store it now.\n`)
        io.stdout.write(`${secret}\n`)
      }
      return EXIT.ok
    })
  }
}

const list: Command = {
  name: 'keys list',
  summary: 'list API keys, without their secrets',
  description: ['Lists the active API keys, oldest first: all of them, or those of one force (--force). --all adds the revoked ones.'],
  examples: ['peel-register keys list', 'peel-register keys list --force cleveland --all', 'peel-register keys list --json'],
  options: {
    force: { type: 'string', value: 'CODE', description: "Only this force's keys." },
    all: { type: 'boolean', description: 'Include revoked keys.' },
    json
  },
  positionals: [],
  async run(args, io) {
    const force = args.string('force')
    const [{ CLI_PRINCIPAL, withDatabase }, { listKeys }] = await domain()
    return withDatabase(io, async ({ db }) => {
      const keys: ApiKeyView[] = []
      let cursor: string | undefined
      do {
        const page = await listKeys(db, CLI_PRINCIPAL, { force, includeRevoked: args.flag('all'), limit: 500, cursor })
        keys.push(...page.items)
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      if (args.flag('json')) {
        io.stdout.write(`${JSON.stringify(keys, null, 2)}\n`)
        return EXIT.ok
      }
      if (keys.length === 0) {
        io.stderr.write(`No ${args.flag('all') ? '' : 'active '}keys${force ? ` for ${force}` : ''}.\n`)
        return EXIT.ok
      }
      const minute = (iso: string | null) => (iso === null ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`)
      const header = ['ID', 'PREFIX', 'ROLE', 'FORCE', 'CREATED', ...(args.flag('all') ? ['REVOKED'] : []), 'NAME']
      const rows = keys.map((k) => [
        k.id,
        k.prefix,
        k.role,
        k.force ?? '(national)',
        minute(k.createdAt),
        ...(args.flag('all') ? [minute(k.revokedAt) || '-'] : []),
        k.name
      ])
      io.stdout.write(table(header, rows))
      return EXIT.ok
    })
  }
}

const revoke: Command = {
  name: 'keys revoke',
  summary: 'revoke an API key: it stops working at once',
  description: [
    'Revokes the key with this id (as `keys list` shows it). A running service stops accepting it within a few seconds (it ' +
      'remembers keys it has seen for 5 s). The last national admin key cannot be revoked: create another first.'
  ],
  examples: ['peel-register keys revoke 0b5d1c9e-3f1a-4e8b-9a51-2d7c4f0e6a13'],
  options: { json },
  positionals: [{ name: 'ID', required: true, description: "The key's id." }],
  async run(args, io) {
    const id = args.positionals[0]!
    if (!UUID.test(id)) throw new UsageError(`ID must be a key's id, a UUID as \`keys list\` shows it, got "${id}"`)
    const [{ CLI_PRINCIPAL, cliActor, withDatabase }, { revokeKey }] = await domain()
    return withDatabase(io, async ({ db }) => {
      const startedAt = new Date().toISOString()
      const view = await revokeKey(db, CLI_PRINCIPAL, cliActor('keys revoke'), id)
      // Revoking a revoked key changes nothing (as in the API); say so rather than claim it was done now.
      const already = view.revokedAt !== null && view.revokedAt < startedAt
      if (args.flag('json')) io.stdout.write(`${JSON.stringify(view, null, 2)}\n`)
      else io.stdout.write(`${already ? 'Already revoked' : 'Revoked'}: ${describe(view)}, at ${view.revokedAt}.\n`)
      return EXIT.ok
    })
  }
}

const rotate: Command = {
  name: 'keys rotate',
  summary: 'give an API key a new secret and print it, once',
  description: [
    'The key keeps its id, name, role, force and history; the old secret stops working (on a running service within 5 s). ' +
      'The new secret is printed on stdout alone, as `keys create` does. --expires sets a new expiry, --no-expiry removes it; ' +
      'without either the key keeps its expiry (an expired key needs a new one).'
  ],
  examples: ['peel-register keys rotate 0b5d1c9e-3f1a-4e8b-9a51-2d7c4f0e6a13', 'peel-register keys rotate 0b5d1c9e-3f1a-4e8b-9a51-2d7c4f0e6a13 --expires 2027-09-30'],
  options: { expires, 'no-expiry': { type: 'boolean', description: 'The key no longer expires.' }, json },
  positionals: [{ name: 'ID', required: true, description: "The key's id." }],
  async run(args, io) {
    const id = args.positionals[0]!
    if (!UUID.test(id)) throw new UsageError(`ID must be a key's id, a UUID as \`keys list\` shows it, got "${id}"`)
    const given = args.string('expires')
    if (given !== undefined && args.flag('no-expiry')) throw new UsageError('--expires and --no-expiry contradict each other: give one')
    const input = args.flag('no-expiry') ? { expiresAt: null } : given === undefined ? {} : { expiresAt: expiry(given) }
    const [{ CLI_PRINCIPAL, cliActor, withDatabase }, { rotateKey }] = await domain()
    return withDatabase(io, async ({ db }) => {
      const { view, secret } = await rotateKey(db, CLI_PRINCIPAL, cliActor('keys rotate'), id, input)
      if (args.flag('json')) {
        io.stdout.write(`${JSON.stringify({ ...view, key: secret }, null, 2)}\n`)
      } else {
        io.stderr.write(`Rotated ${describe(view)}${view.expiresAt ? `, expires ${view.expiresAt}` : ''}.\nIts new secret follows, shown this once: store it now.\n`)
        io.stdout.write(`${secret}\n`)
      }
      return EXIT.ok
    })
  }
}

export const keys: CommandGroup = {
  name: 'keys',
  summary: 'create, list, rotate and revoke API keys',
  commands: [create, list, rotate, revoke]
}
