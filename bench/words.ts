/**
 * The benchmark's word bank: policing and inspection vocabulary, and sentence templates that
 * assemble it into findings, progress updates, reviews and the rest. Everything is drawn from a
 * seeded generator, so one seed always gives the same text.
 */

/** mulberry32: small, fast and deterministic, which is all a data generator needs. */
export function rng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a, to derive one generator's seed from several parts. */
export function seedOf(...parts: Array<string | number>): number {
  let hash = 0x811c9dc5
  for (const char of parts.join('\u0000')) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const between = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1))
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

const CRIMES = [
  'domestic abuse', 'stalking', 'harassment', 'rape', 'serious sexual offences', 'child sexual exploitation',
  'child criminal exploitation', 'county lines drug supply', 'serious and organised crime', 'anti-social behaviour',
  'hate crime', 'fraud', 'cyber-enabled fraud', 'modern slavery', 'human trafficking', 'knife crime',
  'residential burglary', 'vehicle crime', 'honour-based abuse', 'coercive and controlling behaviour',
  'online child sexual abuse', 'violence against women and girls', 'serious violence', 'rural crime',
  'retail crime', 'drug-related harm', 'criminal damage', 'road traffic offences'
] as const

const GROUPS = [
  'victims of domestic abuse', 'missing children', 'children at risk of exploitation', 'vulnerable adults',
  'people in mental health crisis', 'repeat victims', 'children in custody', 'older victims of fraud',
  'victims of stalking', 'survivors of rape', 'children in care', 'people with learning disabilities',
  'victims of hate crime', 'young people at risk of serious violence', 'victims of modern slavery',
  'vulnerable victims', 'detainees', 'callers in distress'
] as const

const PROCESSES = [
  'risk assessments', 'safeguarding referrals', 'crime recording decisions', 'investigation plans',
  'victim needs assessments', 'updates to victims', 'use of force records', 'stop and search records',
  'body-worn video reviews', 'digital forensic examinations', 'vetting decisions', 'misconduct investigations',
  'wellbeing checks', 'workforce plans', 'demand assessments', 'emergency call handling', 'THRIVE assessments',
  'DASH risk assessments', 'Victims\u2019 Code compliance checks', 'out-of-court disposals',
  'pre-charge bail decisions', 'MARAC referrals', 'MAPPA risk management plans', 'Domestic Violence Disclosure Scheme applications',
  'Domestic Violence Protection Orders', 'missing person investigations', 'custody records', 'detainee risk assessments',
  'supervisory reviews', 'case files', 'intelligence submissions', 'sex offender home visits',
  'investigation allocation decisions', 'repeat caller checks', 'problem-solving plans', 'complaint investigations',
  'equality impact assessments', 'training records', 'crime scene attendance decisions', 'evidence-led prosecutions',
  'child protection strategy discussions', 'stalking protection orders', 'welfare checks', 'data quality audits'
] as const

const ACTORS = [
  'officers and staff', 'supervisors', 'call handlers', 'control room staff', 'neighbourhood teams',
  'investigators', 'custody staff', 'public protection officers', 'response officers', 'detective sergeants',
  'professional standards investigators', 'vetting staff', 'frontline officers', 'police community support officers',
  'senior leaders', 'local commanders', 'analysts', 'crime recording staff', 'trainers', 'safeguarding hub staff'
] as const

const PARTNERS = [
  'local authorities', 'health partners', 'the Crown Prosecution Service', 'children\u2019s social care',
  'independent domestic violence advisers', 'the police and crime commissioner', 'schools', 'housing providers',
  'the probation service', 'voluntary sector organisations', 'the National Crime Agency', 'community safety partnerships',
  'mental health trusts', 'the ambulance service', 'youth offending teams'
] as const

const SYSTEMS = [
  'Niche RMS', 'Athena', 'Operation Encompass', 'Right Care, Right Person', 'Operation Soteria', 'Clare\u2019s Law',
  'the Police National Database', 'the Child Abuse Image Database', 'the command and control system', 'ViSOR',
  'the National Decision Model', 'Operation Bluestone', 'the Single Online Home', 'the digital evidence management system'
] as const

const VERBS: ReadonlyArray<readonly [string, string, string]> = [
  ['record', 'records', 'recorded'],
  ['review', 'reviews', 'reviewed'],
  ['supervise', 'supervises', 'supervised'],
  ['complete', 'completes', 'completed'],
  ['quality-assure', 'quality-assures', 'quality-assured'],
  ['audit', 'audits', 'audited'],
  ['prioritise', 'prioritises', 'prioritised'],
  ['monitor', 'monitors', 'monitored'],
  ['manage', 'manages', 'managed'],
  ['share', 'shares', 'shared']
]

const QUALITIES = [
  'consistently', 'promptly', 'accurately', 'effectively', 'in line with national guidance',
  'in line with authorised professional practice', 'within the required timescales', 'to a good standard',
  'thoroughly', 'in a timely way'
] as const

const OUTCOMES = [
  'victims receive an appropriate and timely response', 'risk is identified and managed', 'investigations are effective and victims are kept informed',
  'decisions are recorded and auditable', 'vulnerable people are safeguarded', 'it complies with the Victims\u2019 Code',
  'public trust and confidence is maintained', 'it understands the demand it faces', 'crimes are recorded accurately and promptly',
  'offenders are brought to justice', 'its workforce has the skills and capacity it needs', 'repeat victims are identified at the first contact',
  'partners receive the information they need to protect children'
] as const

const CAPACITIES = [
  'trained investigators', 'detectives', 'digital forensic capacity', 'supervisory capacity', 'call handlers',
  'specialist child abuse investigators', 'qualified vetting staff', 'analysts', 'public protection officers'
] as const

export const BOARDS = [
  'Inspection and Audit Monitoring Board', 'Strategic Performance Board', 'Delivery and Assurance Group',
  'Public Protection Board', 'Crime and Justice Board', 'Organisational Learning Board', 'People and Culture Board',
  'Vulnerability Steering Group'
] as const

export const CHAIRS = [
  'Deputy Chief Constable', 'Assistant Chief Constable (Local Policing)', 'Assistant Chief Constable (Crime)',
  'Director of Corporate Services', 'Chief Superintendent, Public Protection', 'Head of Strategy and Change',
  'Chief Superintendent, Professional Standards'
] as const

export const FREQUENCIES = ['Monthly', 'Bi-monthly', 'Quarterly', 'Every six weeks'] as const

const TRAINING = [
  'domestic abuse matters', 'stalking awareness', 'trauma-informed practice', 'child-centred policing', 'crime recording',
  'investigative interviewing', 'first-line supervisor', 'vulnerability awareness', 'ethics and culture', 'custody officer'
] as const

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const
const monthYear = (random: Random) => `${pick(random, MONTHS)} ${between(random, 2019, 2026)}`

const FIRST_NAMES = [
  'Sarah', 'James', 'Emma', 'David', 'Rachel', 'Mark', 'Helen', 'Paul', 'Claire', 'Andrew', 'Louise', 'Richard',
  'Joanne', 'Steven', 'Nicola', 'Gareth', 'Kirsty', 'Rhys', 'Amanda', 'Simon', 'Fiona', 'Owen', 'Priya', 'Imran',
  'Aisha', 'Daniel', 'Catherine', 'Tom', 'Hannah', 'Matthew', 'Siobhan', 'Neil', 'Bethan', 'Ravi', 'Gemma', 'Alan'
] as const
const SURNAMES = [
  'Collins', 'Patel', 'Hughes', 'Thompson', 'Evans', 'Walker', 'Khan', 'Roberts', 'Wright', 'Davies', 'Morgan',
  'Clarke', 'Jackson', 'Ahmed', 'Turner', 'Bennett', 'Shaw', 'Harrison', 'Lloyd', 'Price', 'Mitchell', 'Begum',
  'Fletcher', 'Owen', 'Reid', 'Bailey', 'Cooper', 'Ward', 'Hussain', 'Kelly', 'Parry', 'Marshall'
] as const
const SENIOR_RANKS = ['ACC', 'Ch Supt', 'Det Ch Supt', 'Supt', 'Det Supt'] as const
// Police staff leads go by name alone.
const OTHER_RANKS = ['Supt', 'Det Supt', 'Ch Insp', 'DCI', 'Insp', 'DI', '', ''] as const

/** A force's pool of leads: the first six senior enough to be force leads, every one a possible delivery lead. */
export function leadNames(seed: number, force: string, count = 15): string[] {
  const random = rng(seedOf(seed, force, 'leads'))
  const names = new Set<string>()
  while (names.size < count) {
    const rank = pick(random, names.size < 6 ? SENIOR_RANKS : OTHER_RANKS)
    names.add(`${rank} ${pick(random, FIRST_NAMES)} ${pick(random, SURNAMES)}`.trim())
  }
  return [...names]
}

// ---- sentence templates, one list per kind of text

type Template = (random: Random) => string

const verb = (random: Random) => pick(random, VERBS)

const LEADS: Record<'recommendation' | 'area_for_improvement' | 'cause_of_concern', Template[]> = {
  recommendation: [
    (r) => `${pick(r, ['Within three months, the', 'Within six months, the', 'By the end of the year, the', 'The', 'Immediately, the'])} force should ${pick(r, ['improve', 'review', 'strengthen'])} its ${pick(r, PROCESSES)} for ${pick(r, GROUPS)} so that ${pick(r, OUTCOMES)}.`,
    (r) => `${pick(r, ['Chief constables', 'All forces', 'The force'])} should make sure that ${pick(r, ACTORS)} ${verb(r)[0]} ${pick(r, PROCESSES)} ${pick(r, QUALITIES)}, so that ${pick(r, OUTCOMES)}.`,
    (r) => `The force should put in place an action plan to improve how it responds to ${pick(r, CRIMES)}, including how it ${verb(r)[1]} ${pick(r, PROCESSES)}.`,
    (r) => `The force should work with ${pick(r, PARTNERS)} to make sure ${pick(r, PROCESSES)} for ${pick(r, GROUPS)} are ${verb(r)[2]} ${pick(r, QUALITIES)}.`,
    (r) => `The force should review its use of ${pick(r, SYSTEMS)} and make sure ${pick(r, ACTORS)} understand how to use it to protect ${pick(r, GROUPS)}.`
  ],
  area_for_improvement: [
    (r) => `The force should ensure that ${pick(r, ACTORS)} ${verb(r)[0]} ${pick(r, PROCESSES)} ${pick(r, QUALITIES)}.`,
    (r) => `The force should improve how it ${verb(r)[1]} ${pick(r, PROCESSES)} for ${pick(r, GROUPS)}.`,
    (r) => `The force should make sure it has enough ${pick(r, CAPACITIES)} to investigate ${pick(r, CRIMES)} ${pick(r, QUALITIES)}.`,
    (r) => `The force needs to better understand the demand it faces from ${pick(r, CRIMES)} and the needs of ${pick(r, GROUPS)}.`,
    (r) => `The force could do more to ${verb(r)[0]} ${pick(r, PROCESSES)} with ${pick(r, PARTNERS)}.`,
    (r) => `The force should make sure that its use of ${pick(r, SYSTEMS)} supports ${pick(r, ACTORS)} to ${verb(r)[0]} ${pick(r, PROCESSES)}.`
  ],
  cause_of_concern: [
    (r) => `The force does not ${verb(r)[0]} ${pick(r, PROCESSES)} for ${pick(r, GROUPS)} ${pick(r, QUALITIES)}. This is a cause of concern.`,
    (r) => `We have a cause of concern about how the force ${verb(r)[1]} ${pick(r, PROCESSES)} and responds to ${pick(r, CRIMES)}.`,
    (r) => `The force\u2019s response to ${pick(r, CRIMES)} is not good enough, and this puts ${pick(r, GROUPS)} at risk of harm.`,
    (r) => `The force is not doing enough to protect ${pick(r, GROUPS)}: ${pick(r, PROCESSES)} are not ${verb(r)[2]} ${pick(r, QUALITIES)}.`
  ]
}

const BODY: Template[] = [
  (r) => `We found that ${pick(r, ACTORS)} did not always ${verb(r)[0]} ${pick(r, PROCESSES)} ${pick(r, QUALITIES)}.`,
  (r) => {
    const of = between(r, 20, 120)
    return `In ${between(r, 3, Math.floor(of / 2))} of the ${of} ${pick(r, CRIMES)} cases we reviewed, ${pick(r, PROCESSES)} were not ${verb(r)[2]} ${pick(r, QUALITIES)}.`
  },
  (r) => `${capitalise(pick(r, ACTORS))} told us that ${pick(r, ['high workloads limit the time they can spend on each case', `they have not received enough training on ${pick(r, CRIMES)}`, `${pick(r, SYSTEMS)} is difficult to use`, 'they are not always clear about what is expected of them', 'vacancies in their teams mean that work is delayed'])}.`,
  (r) => `This means that ${pick(r, GROUPS)} may not receive the ${pick(r, ['support', 'protection', 'service', 'safeguarding'])} they need.`,
  (r) => `The force has recognised this and has started to ${pick(r, ['revise its policy', 'train its supervisors', 'recruit additional staff', 'audit its records', 'restructure its teams'])}, but it is too early to assess the effect.`,
  (r) => `Backlogs in ${pick(r, PROCESSES)} mean that investigations into ${pick(r, CRIMES)} are delayed.`,
  (r) => `Supervision of ${pick(r, PROCESSES)} is inconsistent, and ${pick(r, ACTORS)} are not always held to account.`,
  (r) => `The force works well with ${pick(r, PARTNERS)}, but information about ${pick(r, GROUPS)} is not always shared ${pick(r, QUALITIES)}.`,
  (r) => `The force\u2019s use of ${pick(r, SYSTEMS)} to manage ${pick(r, PROCESSES)} is limited.`,
  (r) => `Performance data on ${pick(r, PROCESSES)} is not routinely used to improve the service to ${pick(r, GROUPS)}.`,
  (r) => `Leaders are committed to improving the response to ${pick(r, CRIMES)}, but this is not yet consistently reflected in practice.`,
  (r) => `We were pleased to see that ${pick(r, ACTORS)} understand the risks faced by ${pick(r, GROUPS)}, although ${pick(r, PROCESSES)} are not always ${verb(r)[2]}.`
]

const TITLES: Template[] = [
  (r) => `${pick(r, ['Improve', 'Strengthen', 'Review', 'Develop'])} ${pick(r, PROCESSES)} for ${pick(r, GROUPS)}`,
  (r) => `Response to ${pick(r, CRIMES)}`,
  (r) => `${capitalise(pick(r, CAPACITIES))} for ${pick(r, CRIMES)} investigations`,
  (r) => `Use of ${pick(r, SYSTEMS)}`,
  (r) => `${capitalise(pick(r, PROCESSES))}: ${pick(r, ['quality', 'timeliness', 'supervision', 'compliance', 'recording'])}`,
  (r) => `Safeguarding ${pick(r, GROUPS)}`
]

const POSITIONS: Template[] = [
  (r) => `On track: the revised ${pick(r, PROCESSES)} policy has been approved and is being rolled out to ${pick(r, ACTORS)}.`,
  (r) => `Partially complete: ${between(r, 35, 95)}% of ${pick(r, ACTORS)} have completed ${pick(r, TRAINING)} training.`,
  (r) => `Delayed: the change to ${pick(r, SYSTEMS)} needed to ${verb(r)[0]} ${pick(r, PROCESSES)} has slipped to ${monthYear(r)}.`,
  (r) => `Complete: the new process for ${pick(r, PROCESSES)} has been embedded and audited.`,
  (r) => `In progress: a working group with ${pick(r, PARTNERS)} is agreeing how ${pick(r, PROCESSES)} will be ${verb(r)[2]}.`,
  (r) => `At risk: ${pick(r, CAPACITIES)} remain below establishment, which limits progress on ${pick(r, CRIMES)}.`
]

const ACTIVITIES: Template[] = [
  (r) => `The ${pick(r, ['public protection unit', 'force crime registrar', 'performance team', 'professional standards department', 'safeguarding hub'])} has ${verb(r)[2]} ${between(r, 40, 400)} ${pick(r, PROCESSES)} and fed back the findings to supervisors.`,
  (r) => `${capitalise(pick(r, ACTORS))} have attended ${pick(r, TRAINING)} training delivered with ${pick(r, PARTNERS)}.`,
  (r) => `A dip sample of ${between(r, 20, 150)} ${pick(r, CRIMES)} cases was completed in ${monthYear(r)}; compliance was ${between(r, 48, 97)}%.`,
  (r) => `New guidance on ${pick(r, PROCESSES)} was published on the intranet and briefed at the ${pick(r, BOARDS)}.`,
  (r) => `The force has agreed a joint protocol with ${pick(r, PARTNERS)} on ${pick(r, PROCESSES)}.`,
  (r) => `The ${pick(r, BOARDS)} reviewed progress in ${monthYear(r)} and asked for a further audit of ${pick(r, PROCESSES)}.`,
  (r) => `A daily management meeting now reviews ${pick(r, PROCESSES)} for ${pick(r, GROUPS)}.`,
  (r) => `Changes to ${pick(r, SYSTEMS)} went live in ${monthYear(r)}, making ${pick(r, PROCESSES)} mandatory fields.`
]

const IMPACTS: Template[] = [
  (r) => {
    const from = between(r, 30, 70)
    return `Compliance with ${pick(r, PROCESSES)} standards has risen from ${from}% to ${between(r, from + 5, 98)}%.`
  },
  (r) => `Victim satisfaction with ${pick(r, CRIMES)} investigations improved to ${between(r, 60, 92)}% in the latest survey.`,
  (r) => `The backlog of ${pick(r, PROCESSES)} has fallen by ${between(r, 10, 80)}% since ${monthYear(r)}.`,
  (r) => `It is too early to measure the impact on ${pick(r, GROUPS)}.`,
  (r) => `Early audit results show fewer gaps in ${pick(r, PROCESSES)}, and supervisors report better understanding of ${pick(r, CRIMES)}.`
]

const FINDING_ACTIONS: Template[] = [
  (r) => `Review the ${pick(r, PROCESSES)} policy and publish revised guidance for ${pick(r, ACTORS)}.`,
  (r) => `Train ${pick(r, ACTORS)} in ${pick(r, TRAINING)}.`,
  (r) => `Introduce a supervisory check of ${pick(r, PROCESSES)} for ${pick(r, CRIMES)}.`,
  (r) => `Audit ${pick(r, PROCESSES)} quarterly and report the results to the ${pick(r, BOARDS)}.`,
  (r) => `Agree an information-sharing protocol with ${pick(r, PARTNERS)}.`
]

const ONGOING: Template[] = [
  (r) => `Roll out ${pick(r, TRAINING)} training to the remaining ${pick(r, ACTORS)}.`,
  (r) => `Complete the ${between(r, 3, 12)}-month audit of ${pick(r, PROCESSES)}.`,
  (r) => `Implement the ${pick(r, SYSTEMS)} change for ${pick(r, PROCESSES)}.`,
  (r) => `Recruit ${between(r, 2, 25)} additional ${pick(r, CAPACITIES)}.`,
  (r) => `Evaluate the pilot of ${pick(r, SYSTEMS)} with ${pick(r, PARTNERS)}.`,
  (r) => `Agree revised ${pick(r, PROCESSES)} standards with ${pick(r, PARTNERS)}.`
]

const ANTICIPATED: Template[] = [
  (r) => `Improved compliance with ${pick(r, PROCESSES)} standards.`,
  (r) => `Fewer delays in ${pick(r, CRIMES)} investigations.`,
  (r) => `Better safeguarding of ${pick(r, GROUPS)}.`,
  (r) => `${capitalise(pick(r, ACTORS))} more confident in handling ${pick(r, PROCESSES)}.`
]

const EVIDENCE: Template[] = [
  (r) => `report\t${capitalise(pick(r, PROCESSES))} audit report`,
  (r) => `meeting_record\tMinutes of the ${pick(r, BOARDS)}`,
  (r) => `policy\t${capitalise(pick(r, CRIMES))} policy (version ${between(r, 1, 9)}.${between(r, 0, 9)})`,
  (r) => `training\t${capitalise(pick(r, TRAINING))} training attendance records`,
  (r) => `data\tPerformance dashboard: ${pick(r, PROCESSES)}`,
  (r) => `evaluation\tEvaluation of the ${pick(r, SYSTEMS)} pilot`,
  (r) => `guidance\tGuidance note: ${pick(r, PROCESSES)}`,
  (r) => `other\tJoint protocol with ${pick(r, PARTNERS)}`
]

const LOCATIONS: Template[] = [
  () => 'Force intranet: policy library',
  () => 'SharePoint: Inspection and audit team site',
  () => 'Performance portal',
  (r) => `Board papers archive: ${pick(r, BOARDS)}`,
  () => 'Learning management system',
  () => 'Shared drive: Public protection/Audits',
  (r) => `${capitalise(pick(r, SYSTEMS))} audit module`
]

const RATIONALES: Record<'request_closure' | 'embed_and_sustain' | 'remedial_action', Template[]> = {
  request_closure: [
    (r) => `The ${pick(r, BOARDS)} reviewed the evidence and agreed that ${pick(r, PROCESSES)} are now ${verb(r)[2]} ${pick(r, QUALITIES)}; closure should be requested.`,
    (r) => `Audits over ${between(r, 3, 12)} months show sustained improvement in ${pick(r, PROCESSES)}. The group supports closure.`
  ],
  embed_and_sustain: [
    (r) => `Progress is good, but the changes to ${pick(r, PROCESSES)} need to be embedded and sustained before closure.`,
    (r) => `The group asked for a further dip sample of ${pick(r, CRIMES)} cases in ${between(r, 3, 6)} months to show the improvement is sustained.`
  ],
  remedial_action: [
    (r) => `The latest audit shows ${pick(r, PROCESSES)} are still not ${verb(r)[2]} ${pick(r, QUALITIES)}; remedial action is needed.`,
    (r) => `Progress has stalled because ${pick(r, CAPACITIES)} are below establishment. The lead must return with a revised plan.`
  ]
}

const SUMMARIES: Template[] = [
  (r) => `The force has revised its approach to ${pick(r, PROCESSES)}, trained ${pick(r, ACTORS)} and audited the results; compliance is now ${between(r, 85, 99)}%.`,
  (r) => `Evidence shows sustained improvement in the response to ${pick(r, CRIMES)} over ${between(r, 6, 18)} months. The ${pick(r, BOARDS)} supports closure.`,
  (r) => `All actions are complete: ${pick(r, PROCESSES)} are ${verb(r)[2]} ${pick(r, QUALITIES)} and checked by supervisors.`
]

const SLIP_REASONS: Template[] = [
  (r) => `Delayed by the ${pick(r, SYSTEMS)} upgrade.`,
  (r) => `Resources redirected to ${pick(r, ['a major investigation', 'public order commitments', 'a critical incident', 'summer demand'])}.`,
  (r) => `Awaiting agreement from ${pick(r, PARTNERS)}.`,
  () => 'The training provider had no availability before then.',
  (r) => `Scope widened at the request of the ${pick(r, BOARDS)}.`
]

const RETURN_NOTES: Template[] = [
  (r) => `The board asked for evidence that the changes to ${pick(r, PROCESSES)} have been sustained for at least six months.`,
  () => 'The evidence does not yet show an improvement in practice; a further dip sample is needed.',
  (r) => `Please add the latest audit of ${pick(r, PROCESSES)} and the partner feedback.`
]

const REJECT_NOTES: Template[] = [
  () => 'The FLL was not satisfied that the evidence shows improvement in practice; a further audit is needed.',
  (r) => `The FLL asked for evidence that ${pick(r, GROUPS)} are now receiving a better service.`,
  () => 'Rejected: the evidence shows a policy change but not its effect.'
]

const WITHDRAW_NOTES: Template[] = [
  () => 'Withdrawn: raised too early.',
  () => 'Withdrawn while the latest audit is completed.',
  () => 'Withdrawn: the wrong evidence was attached.'
]

const STATUS_NOTES: Template[] = [
  (r) => `Closed by the ${pick(r, BOARDS)} on the evidence of the ${monthYear(r)} audit.`,
  () => 'Closed before the register moved to this system.',
  () => 'Closed on the portal by HMICFRS.'
]

const PORTAL_NOTES: Template[] = [
  () => 'The portal has not yet been updated.',
  () => 'HMICFRS closed it on the portal after the latest PEEL inspection.',
  () => 'Not on the portal: an area for improvement recorded locally.',
  () => 'Awaiting confirmation from the Force Liaison Lead.'
]

/** How many texts each pool holds: enough variety for full-text search, few enough to build in milliseconds. */
export const POOLS = {
  lead_recommendation: { size: 600, templates: LEADS.recommendation, min: 60, max: 260 },
  lead_area_for_improvement: { size: 600, templates: LEADS.area_for_improvement, min: 60, max: 260 },
  lead_cause_of_concern: { size: 600, templates: LEADS.cause_of_concern, min: 60, max: 260 },
  body: { size: 3000, templates: BODY, min: 50, max: 260 },
  title: { size: 1200, templates: TITLES, min: 8, max: 200 },
  position: { size: 900, templates: POSITIONS, min: 20, max: 400 },
  activity: { size: 1800, templates: ACTIVITIES, min: 20, max: 400 },
  impact: { size: 700, templates: IMPACTS, min: 20, max: 400 },
  finding_action: { size: 500, templates: FINDING_ACTIONS, min: 10, max: 400 },
  ongoing: { size: 700, templates: ONGOING, min: 10, max: 400 },
  anticipated: { size: 300, templates: ANTICIPATED, min: 10, max: 400 },
  evidence: { size: 700, templates: EVIDENCE, min: 10, max: 300 },
  location: { size: 40, templates: LOCATIONS, min: 5, max: 300 },
  rationale_request_closure: { size: 200, templates: RATIONALES.request_closure, min: 20, max: 600 },
  rationale_embed_and_sustain: { size: 200, templates: RATIONALES.embed_and_sustain, min: 20, max: 600 },
  rationale_remedial_action: { size: 200, templates: RATIONALES.remedial_action, min: 20, max: 600 },
  summary: { size: 300, templates: SUMMARIES, min: 20, max: 600 },
  slip_reason: { size: 60, templates: SLIP_REASONS, min: 10, max: 300 },
  return_note: { size: 40, templates: RETURN_NOTES, min: 10, max: 300 },
  reject_note: { size: 40, templates: REJECT_NOTES, min: 10, max: 300 },
  withdraw_note: { size: 10, templates: WITHDRAW_NOTES, min: 10, max: 300 },
  status_note: { size: 40, templates: STATUS_NOTES, min: 10, max: 300 },
  portal_note: { size: 10, templates: PORTAL_NOTES, min: 10, max: 300 }
} as const

export type PoolName = keyof typeof POOLS

/** Every pool's texts, exactly `size` of each, the same for the same seed. */
export function textPools(seed: number): Record<PoolName, string[]> {
  const pools = {} as Record<PoolName, string[]>
  for (const [name, pool] of Object.entries(POOLS) as Array<[PoolName, (typeof POOLS)[PoolName]]>) {
    const random = rng(seedOf(seed, name))
    const texts: string[] = []
    while (texts.length < pool.size) {
      const text = pick(random, pool.templates)(random)
      if (text.length >= pool.min && text.length <= pool.max) texts.push(text)
    }
    pools[name] = texts
  }
  return pools
}

/**
 * Words and phrases a finding's title or text may contain, from common to rare, for search
 * scenarios; `sampleIds` keeps those that occur in a force's register.
 */
export const SEARCH_CANDIDATES = [
  'safeguarding', 'domestic abuse', 'risk assessments', 'supervision', 'exploitation', 'victims', 'custody',
  'stalking', 'vetting', 'fraud', 'burglary', 'mental health', 'misconduct', 'forensic', 'trafficking',
  'Encompass', 'Soteria', 'ViSOR', 'MARAC', 'Bluestone'
] as const
