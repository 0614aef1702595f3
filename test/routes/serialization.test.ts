import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import t from 'tap'
import { Type } from 'typebox'
import { forSerialization, reachable } from '../../src/schemas/serialization.ts'

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()], { description: 'or null' })

const Row = Type.Object({
  note: nullable(Type.String({ minLength: 1, maxLength: 5, pattern: '^[a-z]+$' })),
  at: Type.Union([Type.String({ format: 'date-time', maxLength: 40 }), Type.Null()]),
  count: Type.Union([Type.Integer({ minimum: 0, maximum: 9 }), Type.Null()]),
  category: Type.Union([Type.Enum(['a', 'b']), Type.Null()]),
  group: Type.Union([Type.Object({ id: Type.String(), name: Type.Union([Type.String({ maxLength: 3 }), Type.Null()]) }), Type.Null()]),
  either: Type.Union([Type.String(), Type.Integer()]),
  backend: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
  word: Type.Union([Type.Literal('a'), Type.Enum(['b', 'c']), Type.Null()])
})

t.test('"X or null" becomes a type list, without the keywords that only judge a value', async (t) => {
  const converted = forSerialization(Row as never) as { properties: Record<string, Record<string, unknown>> }
  t.same(converted.properties.note, { description: 'or null', type: ['string', 'null'] })
  t.same(converted.properties.at, { type: ['string', 'null'], format: 'date-time' }, 'format stays: it says how a Date is written')
  t.same(converted.properties.count, { type: ['integer', 'null'] })
  t.same(converted.properties.category, { type: ['string', 'null'] })
  t.match(converted.properties.group, { type: ['object', 'null'], properties: { name: { type: ['string', 'null'] } } }, 'nested too')
  t.ok(Array.isArray(converted.properties.either!.anyOf), 'any other union is left alone')
  t.same(converted.properties.backend, { type: 'string' }, 'a choice of words is a string')
  t.same(converted.properties.word, { type: ['string', 'null'] }, 'or a string or null')
  t.equal(forSerialization(Row as never), converted, 'converted once per schema')
  t.ok(Array.isArray((Row.properties.note as { anyOf?: unknown }).anyOf), 'the contract schema itself is untouched')
})

t.test('the converted schema writes what JSON.stringify writes, whatever the value, length or pattern', async (t) => {
  // Built as Fastify builds a route's serializer, from the converted schema.
  const serialize = SerializerSelector()({}, {} as never)({ schema: forSerialization(Row as never), method: 'GET', url: '/', httpStatus: '200' } as never)
  const at = new Date('2026-11-30T08:00:00.000Z')
  const rows = [
    { note: null, at: null, count: null, category: null, group: null, either: 'x', backend: 'embedded', word: null },
    { note: 'far too long for its maxLength, with "quotes" and \\ and \u2028', at: '2026-11-30T08:00:00.000Z', count: 42, category: 'b', group: { id: 'g', name: null }, either: 3, backend: 'postgres', word: 'a' },
    { note: '', at, count: 0, category: 'a', group: { id: 'g', name: 'longer than three' }, either: 'y', backend: 'postgres', word: 'c' }
  ]
  for (const row of rows) t.same(JSON.parse(serialize(row)), JSON.parse(JSON.stringify(row)))
  t.throws(() => serialize({ ...rows[0], count: 'seven' }), TypeError, 'a value of the wrong type is still refused, not written')
})

t.test('a serializer is given only the shared schemas its response reaches, however deep', async (t) => {
  const shared = {
    Page: { $id: 'Page', type: 'object', properties: { items: { type: 'array', items: { $ref: 'Finding#' } } } },
    Finding: { $id: 'Finding', type: 'object', properties: { group: { $ref: 'Group#/properties' } } },
    Group: { $id: 'Group', type: 'object' },
    Unrelated: { $id: 'Unrelated', type: 'object' }
  }
  t.same(Object.keys(reachable({ type: 'object', properties: { page: { $ref: 'Page#' } } }, shared)).sort(), ['Finding', 'Group', 'Page'])
  t.same(reachable({ type: 'object', properties: { status: { type: 'string' } } }, shared), {}, 'a response with no reference needs none')
})
