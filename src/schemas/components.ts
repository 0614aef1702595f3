import { ImportProblemSchema, ImportResultSchema } from '../domain/exchange/exchange.schemas.ts'
import { RegisterDocument } from '../domain/exchange/register-document.ts'
import { CreatedWebhookSchema, DeliverySchema, WebhookSchema } from '../domain/webhooks/webhooks.schemas.ts'
import { EventSchema } from '../domain/events/events.schemas.ts'
import type { TSchema } from 'typebox'
import { sharedSchemas } from './common.ts'
import { ApiKeySchema, CreatedApiKeySchema } from '../domain/api-keys/api-keys.schemas.ts'
import { ForceSchema } from '../domain/forces/forces.schemas.ts'
import {
  CriterionSchema,
  FrameworkSchema,
  QuestionDetailSchema,
  QuestionSchema
} from '../domain/frameworks/frameworks.schemas.ts'
import { CrosswalkLinkSchema, CrosswalkSchema } from '../domain/crosswalk/crosswalk.schemas.ts'
import { ActionSchema, FindingDetailSchema, FindingSchema, HistoryEntrySchema } from '../domain/findings/findings.schemas.ts'
import { GovernanceGroupSchema } from '../domain/governance-groups/governance-groups.schemas.ts'
import { InspectionSchema } from '../domain/inspections/inspections.schemas.ts'
import { GradeHistorySchema, GradingSchema } from '../domain/gradings/gradings.schemas.ts'
import { PracticeAreaSchema, PracticeExampleSchema } from '../domain/practice/practice.schemas.ts'

/** Named schemas, registered once so that routes can `ref()` them and the contract names them. */
import { ClosureRequestSchema } from '../domain/closure/closure.schemas.ts'
import { OngoingActionSchema, ProgressUpdateSchema, ReviewSchema } from '../domain/progress/progress.schemas.ts'

export const componentSchemas: TSchema[] = [
  ...sharedSchemas,
  ForceSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  FrameworkSchema,
  QuestionSchema,
  CriterionSchema,
  QuestionDetailSchema,
  GradingSchema,
  GradeHistorySchema,
  PracticeExampleSchema,
  PracticeAreaSchema,
  CrosswalkLinkSchema,
  CrosswalkSchema,
  GovernanceGroupSchema,
  InspectionSchema,
  ActionSchema,
  FindingSchema,
  FindingDetailSchema,
  HistoryEntrySchema,
  OngoingActionSchema,
  ProgressUpdateSchema,
  ReviewSchema,
  ClosureRequestSchema,
  EventSchema,
  WebhookSchema,
  CreatedWebhookSchema,
  DeliverySchema,
  RegisterDocument,
  ImportProblemSchema,
  ImportResultSchema
]
