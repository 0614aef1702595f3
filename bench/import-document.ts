/**
 * The register the benchmark imports: n new findings with two actions each and, with `progress`,
 * an update (with an ongoing action) and a review each. Used by bench/run.ts (over HTTP) and
 * bench/import-timing.ts (at the source).
 */
const uuid = (n: number, kind: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`

export function importDocument(force: string, n: number, options: { progress?: boolean } = {}) {
  return {
    format: 'peel-register.register/v1',
    force,
    governanceGroups: [{ name: 'Benchmark import board' }],
    inspections: [{ key: 'bench-import', title: 'Benchmark import', kind: 'other', category: 'other_national_thematic', scope: 'national', year: 2024, publishedOn: '2024-03-01' }],
    findings: Array.from({ length: n }, (_, i) => ({
      reference: `IMP-${String(i).padStart(5, '0')}`,
      kind: (['recommendation', 'area_for_improvement', 'cause_of_concern'] as const)[i % 3],
      inspection: 'bench-import',
      scope: 'force',
      title: `Imported finding ${i}`,
      text: `Forces should review how they record and supervise investigations; imported finding number ${i}.`,
      forceLead: `Lead ${i % 12}`,
      governanceGroup: 'Benchmark import board',
      status: 'open',
      portalStatus: 'open',
      actions: [{ text: 'Agree the delivery plan' }, { text: 'Report to the board', status: 'done' }],
      ...(options.progress
        ? {
            updates: [
              {
                id: uuid(i, 1),
                createdAt: '2024-06-01T09:00:00.000Z',
                position: `Work on finding ${i} is under way.`,
                activities: 'A delivery plan was agreed.',
                ongoingActions: [{ id: uuid(i, 2), description: 'Train supervisors', expectedCompletion: '2025-01-31', status: 'ongoing' }]
              }
            ],
            reviews: [{ id: uuid(i, 3), createdAt: '2024-07-01T09:00:00.000Z', outcome: 'embed_and_sustain', rationale: 'Progress is on track.', governanceGroup: 'Benchmark import board' }]
          }
        : {})
    }))
  }
}
