import { Type } from 'typebox'
import { CalendarDate, ForceCode, PageQuery, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { FreeText, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'
import { FrameworkKey } from '../frameworks/frameworks.schemas.ts'

export const INSPECTION_KINDS = ['peel', 'peel_thematic', 'national_thematic', 'ncpi', 'cdi', 'other'] as const
export const CATEGORIES = ['local_peel', 'national_peel', 'national_da_peel_thematic', 'ncpi', 'cdi', 'other_national_thematic'] as const
export const SCOPES = ['force', 'national'] as const
export const MILESTONE_KINDS = ['dates_confirmed', 'parm', 'evidence_collection', 'report_publication', 'fieldwork', 'other'] as const

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {})

/** The year of an inspection. */
export const Year = Type.Integer({ format: 'int32', minimum: 1990, maximum: 2100 })

export const Category = Type.Enum(CATEGORIES, {
  description: "The row of the audit committee's summary (001 section 2.1) this inspection's findings count under."
})

export const MilestoneSchema = Type.Object(
  {
    kind: Type.Enum(MILESTONE_KINDS, {
      description: 'dates_confirmed, parm (PEEL Assessment and Resourcing Meeting), evidence_collection, report_publication (001 section 4.4), fieldwork or other.'
    }),
    title: FreeText(MAX_LENGTH.title, { minLength: 1 }),
    date: nullable(CalendarDate, 'The day it happens or starts, where known.'),
    dateText: nullable(FreeText(MAX_LENGTH.label), "The date as published, e.g. 'February 2022'."),
    note: nullable(FreeText(MAX_LENGTH.note))
  },
  { additionalProperties: false }
)

export const INSPECTION_KEY_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$'
const keyOf = (maxLength: number) =>
  Type.String({ pattern: INSPECTION_KEY_PATTERN, maxLength, description: 'A short stable handle, unique within the register.', examples: ['ipa-2019'] })

const fields = {
  key: keyOf(MAX_LENGTH.inspectionKey),
  title: FreeText(MAX_LENGTH.title, { minLength: 1, examples: ['PEEL integrated assessment (IPA) 2019'] }),
  label: nullable(FreeText(MAX_LENGTH.label, { minLength: 1 }), "How the register labels it, e.g. 'IPA 2019', 'Effectiveness 2017'."),
  kind: Type.Enum(INSPECTION_KINDS),
  category: Category,
  scope: Type.Enum(SCOPES, { description: 'national when its findings are made to all forces.' }),
  year: Type.Union([Year, Type.Null()], { description: 'null where the register does not know it.' }),
  startedOn: nullable(CalendarDate),
  endedOn: nullable(CalendarDate),
  publishedOn: nullable(CalendarDate, 'When the report was published: deadlines such as "within three months" run from it.'),
  framework: nullable(FrameworkKey, 'The PEEL framework version the inspection used.'),
  milestones: Type.Array(MilestoneSchema, { maxItems: MAX_ITEMS.milestones })
}

export const InspectionSchema = Type.Object(
  {
    id: Uuid,
    force: ForceCode,
    ...fields,
    // An import has always taken keys up to MAX_LENGTH.importedInspectionKey (register-document.ts).
    key: keyOf(MAX_LENGTH.importedInspectionKey),
    version: Version(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'Inspection', description: 'An inspection that produced findings.' }
)

export const CreateInspectionBody = Type.Object(
  {
    force: Type.Optional(ForceCode),
    key: fields.key,
    title: fields.title,
    label: Type.Optional(fields.label),
    kind: fields.kind,
    category: fields.category,
    scope: fields.scope,
    year: fields.year,
    startedOn: Type.Optional(fields.startedOn),
    endedOn: Type.Optional(fields.endedOn),
    publishedOn: Type.Optional(fields.publishedOn),
    framework: Type.Optional(fields.framework),
    milestones: Type.Optional(fields.milestones)
  },
  {
    additionalProperties: false,
    examples: [
      {
        force: 'cleveland',
        key: 'peel-2021-22',
        title: 'PEEL 2021/22: an inspection of Cleveland Police',
        label: 'PEEL 2021/22',
        kind: 'peel',
        category: 'local_peel',
        scope: 'force',
        year: 2022,
        publishedOn: '2022-09-16',
        framework: 'peel-2021',
        milestones: [{ kind: 'report_publication', title: 'Report published', date: '2022-09-16', dateText: null, note: null }]
      }
    ]
  }
)

export const UpdateInspectionBody = Type.Object(
  {
    key: Type.Optional(fields.key),
    title: Type.Optional(fields.title),
    label: Type.Optional(fields.label),
    kind: Type.Optional(fields.kind),
    category: Type.Optional(fields.category),
    scope: Type.Optional(fields.scope),
    year: Type.Optional(fields.year),
    startedOn: Type.Optional(fields.startedOn),
    endedOn: Type.Optional(fields.endedOn),
    publishedOn: Type.Optional(fields.publishedOn),
    framework: Type.Optional(fields.framework),
    milestones: Type.Optional(fields.milestones)
  },
  { additionalProperties: false, minProperties: 1, examples: [{ label: 'PEEL 2021/22', publishedOn: '2022-09-16' }] }
)

export const InspectionListQuery = Type.Object(
  {
    ...PageQuery.properties,
    force: Type.Optional(ForceCode),
    category: Type.Optional(Category),
    kind: Type.Optional(fields.kind),
    scope: Type.Optional(fields.scope),
    year: Type.Optional(Year)
  },
  { additionalProperties: false }
)
