import type { Db } from '../../db/database.ts'
import { invalidField, notFound } from '../../problems.ts'
import * as frameworks from '../frameworks/frameworks.repository.ts'
import type { RELATIONS } from './crosswalk.schemas.ts'
import * as repo from './crosswalk.repository.ts'

type Relation = (typeof RELATIONS)[number]
interface Key {
  framework: string
  ref: string
}
interface Step {
  from: Key
  to: Key
  relation: Relation
  rationale: string
}

const INVERSE: Record<Relation, Relation> = { same: 'same', broader: 'narrower', narrower: 'broader', overlaps: 'overlaps' }
/** When paths disagree, the item shows the closest relation any of them gives. */
const CLOSENESS: Relation[] = ['same', 'broader', 'narrower', 'overlaps']

/** What A→B then B→C says of A→C: `same` passes the other through; a direction kept is kept; anything else overlaps. */
export function compose(first: Relation, second: Relation): Relation {
  if (first === 'same') return second
  if (second === 'same') return first
  return first === second && first !== 'overlaps' ? first : 'overlaps'
}

const keyOf = (k: Key) => `${k.framework} ${k.ref}`

/**
 * Links between any two versions, walked through the curated links between consecutive ones
 * (2018 → 2021 → 2023 → 2025), backwards too, with relations inverted.
 */
export async function crosswalk(db: Db, query: { from: string; to: string; ref?: string }) {
  const versions = (await frameworks.listFrameworks(db)).map((f) => f.key)
  const fromIndex = versions.indexOf(query.from)
  const toIndex = versions.indexOf(query.to)
  if (fromIndex < 0) throw invalidField('query', 'from', `is not a framework version: ${query.from}`)
  if (toIndex < 0) throw invalidField('query', 'to', `is not a framework version: ${query.to}`)
  if (fromIndex === toIndex) throw invalidField('query', 'to', 'must be another version than from')

  const direction = toIndex > fromIndex ? 1 : -1
  const chain: string[] = []
  for (let i = fromIndex; i !== toIndex + direction; i += direction) chain.push(versions[i]!)

  const [links, questions, unmatched] = await Promise.all([
    repo.allLinks(db),
    repo.questionTitles(db, chain),
    repo.unmatchedIn(db, chain)
  ])
  const byKey = new Map(questions.map((q) => [keyOf({ framework: q.framework_key, ref: q.ref }), q]))

  // Steps leaving each question towards the next version of the chain.
  const outgoing = new Map<string, Step[]>()
  for (const link of links) {
    const forward: Step = {
      from: { framework: link.from_framework, ref: link.from_ref },
      to: { framework: link.to_framework, ref: link.to_ref },
      relation: link.relation,
      rationale: link.rationale
    }
    const step = direction === 1 ? forward : { from: forward.to, to: forward.from, relation: INVERSE[forward.relation], rationale: forward.rationale }
    const list = outgoing.get(keyOf(step.from)) ?? []
    list.push(step)
    outgoing.set(keyOf(step.from), list)
  }

  let starts = questions.filter((q) => q.framework_key === query.from).map((q) => q.ref)
  if (query.ref !== undefined) {
    if (!byKey.has(keyOf({ framework: query.from, ref: query.ref }))) {
      throw notFound(`Framework ${query.from} has no question ${query.ref}.`)
    }
    starts = starts.filter((ref) => ref === query.ref || ref.startsWith(`${query.ref}.`))
  }

  const items = new Map<string, { from: Key; to: Key; paths: Array<{ relation: Relation; steps: Step[] }> }>()
  const walk = (start: Key, at: Key, steps: Step[]) => {
    if (at.framework === query.to) {
      const id = `${keyOf(start)} > ${keyOf(at)}`
      const item = items.get(id) ?? { from: start, to: at, paths: [] }
      item.paths.push({ relation: steps.map((s) => s.relation).reduce(compose), steps })
      items.set(id, item)
      return
    }
    for (const step of outgoing.get(keyOf(at)) ?? []) {
      if (step.to.framework === chain[chain.indexOf(at.framework) + 1]) walk(start, step.to, [...steps, step])
    }
  }
  for (const ref of starts) walk({ framework: query.from, ref }, { framework: query.from, ref }, [])

  const titled = (k: Key) => ({ ...k, title: byKey.get(keyOf(k))?.title ?? '' })
  const order = (k: Key) => questions.findIndex((q) => q.framework_key === k.framework && q.ref === k.ref)
  const result = [...items.values()]
    .sort((a, b) => order(a.from) - order(b.from) || order(a.to) - order(b.to))
    .map((item) => ({
      from: titled(item.from),
      to: titled(item.to),
      relation: CLOSENESS.find((r) => item.paths.some((p) => p.relation === r))!,
      paths: item.paths
    }))

  return {
    from: query.from,
    to: query.to,
    items: result,
    nextCursor: null,
    unmatched: unmatched.map((u) => ({ framework: u.framework_key, ref: u.ref, title: u.title, reason: u.reason }))
  }
}
