/**
 * The inspections a force's register may hold, across all six summary categories. Each force
 * gets the core ones and a seeded selection of the rest, about twenty in all.
 */
export interface InspectionTemplate {
  key: string
  title: (forceName: string) => string
  label: string
  kind: 'peel' | 'peel_thematic' | 'national_thematic' | 'ncpi' | 'cdi' | 'other'
  category: 'local_peel' | 'national_peel' | 'national_da_peel_thematic' | 'ncpi' | 'cdi' | 'other_national_thematic'
  scope: 'force' | 'national'
  year: number
  /** As published nationally; force inspections move a few weeks either side per force. */
  publishedOn: string
  framework: string | null
  /** How many findings it tends to produce, relative to the others. */
  weight: number
  core: boolean
}

const peel = (key: string, label: string, year: number, publishedOn: string, framework: string | null, title: (name: string) => string, core = false): InspectionTemplate => ({
  key, title, label, kind: 'peel', category: 'local_peel', scope: 'force', year, publishedOn, framework, weight: 4, core
})

export const INSPECTIONS: InspectionTemplate[] = [
  peel('peel-effectiveness-2017', 'Effectiveness 2017', 2017, '2018-03-22', null, (name) => `PEEL: Police effectiveness 2017 \u2013 ${name}`),
  peel('peel-efficiency-2017', 'Efficiency 2017', 2017, '2017-11-09', null, (name) => `PEEL: Police efficiency 2017 \u2013 ${name}`),
  peel('peel-legitimacy-2017', 'Legitimacy 2017', 2017, '2017-12-12', null, (name) => `PEEL: Police legitimacy 2017 \u2013 ${name}`),
  peel('ipa-2019', 'IPA 2019', 2019, '2019-09-27', 'peel-2018', (name) => `PEEL: Police effectiveness, efficiency and legitimacy 2018/19 \u2013 ${name}`),
  peel('peel-2021-22', 'PEEL 2021/22', 2022, '2022-06-15', 'peel-2021', (name) => `PEEL 2021/22: An inspection of ${name}`, true),
  peel('peel-2023-25', 'PEEL 2023\u201325', 2024, '2024-05-20', 'peel-2023', (name) => `PEEL 2023\u201325: Police effectiveness, efficiency and legitimacy \u2013 ${name}`),
  peel('peel-2025-27', 'PEEL 2025\u201327', 2026, '2026-03-10', 'peel-2025', (name) => `PEEL 2025\u201327: An inspection of ${name}`),
  {
    key: 'spotlight-2023', title: () => 'PEEL spotlight report: Police performance \u2013 getting a grip', label: 'Spotlight 2023',
    kind: 'peel_thematic', category: 'national_peel', scope: 'national', year: 2023, publishedOn: '2023-08-31', framework: null, weight: 2, core: true
  },
  {
    key: 'spotlight-2019', title: () => 'PEEL spotlight report: Shining a light on betrayal', label: 'Spotlight 2019',
    kind: 'peel_thematic', category: 'national_peel', scope: 'national', year: 2019, publishedOn: '2019-09-27', framework: null, weight: 1, core: false
  },
  {
    key: 'da-progress-2017', title: () => 'A progress report on the police response to domestic abuse', label: 'DA 2017',
    kind: 'peel_thematic', category: 'national_da_peel_thematic', scope: 'national', year: 2017, publishedOn: '2017-11-22', framework: null, weight: 2, core: false
  },
  {
    key: 'vawg-2021', title: () => 'Police response to violence against women and girls: final inspection report', label: 'VAWG 2021',
    kind: 'peel_thematic', category: 'national_da_peel_thematic', scope: 'national', year: 2021, publishedOn: '2021-09-17', framework: null, weight: 2, core: true
  },
  {
    key: 'da-protective-measures-2021', title: () => 'A duty to protect: police use of protective measures in cases involving violence against women and girls',
    label: 'Protective measures 2021', kind: 'peel_thematic', category: 'national_da_peel_thematic', scope: 'national', year: 2021,
    publishedOn: '2021-12-07', framework: null, weight: 1, core: false
  },
  {
    key: 'ncpi-2018', title: (name) => `National child protection inspection: ${name}`, label: 'NCPI 2018',
    kind: 'ncpi', category: 'ncpi', scope: 'force', year: 2018, publishedOn: '2018-07-19', framework: null, weight: 2, core: true
  },
  {
    key: 'ncpi-post-2019', title: (name) => `National child protection inspection post-inspection review: ${name}`, label: 'NCPI post-inspection 2019',
    kind: 'ncpi', category: 'ncpi', scope: 'force', year: 2019, publishedOn: '2019-11-14', framework: null, weight: 1, core: false
  },
  {
    key: 'ncpi-2023', title: (name) => `Child protection inspection: ${name}`, label: 'NCPI 2023',
    kind: 'ncpi', category: 'ncpi', scope: 'force', year: 2023, publishedOn: '2023-10-05', framework: null, weight: 2, core: false
  },
  {
    key: 'cdi-2018', title: (name) => `Crime data integrity inspection 2018: ${name}`, label: 'CDI 2018',
    kind: 'cdi', category: 'cdi', scope: 'force', year: 2018, publishedOn: '2018-09-13', framework: null, weight: 2, core: false
  },
  {
    key: 'cdi-2020', title: (name) => `Crime data integrity inspection 2020: ${name}`, label: 'CDI 2020',
    kind: 'cdi', category: 'cdi', scope: 'force', year: 2020, publishedOn: '2020-10-08', framework: null, weight: 2, core: true
  },
  {
    key: 'cdi-revisit-2022', title: (name) => `Crime data integrity revisit: ${name}`, label: 'CDI revisit 2022',
    kind: 'cdi', category: 'cdi', scope: 'force', year: 2022, publishedOn: '2022-03-24', framework: null, weight: 1, core: false
  },
  {
    key: 'vetting-2022', title: () => 'An inspection of vetting, misconduct, and misogyny in the police service', label: 'Vetting 2022',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2022, publishedOn: '2022-11-02', framework: null, weight: 2, core: true
  },
  {
    key: 'stop-search-2021', title: () => 'Disproportionate use of police powers: a spotlight on stop and search and the use of force', label: 'Stop and search 2021',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2021, publishedOn: '2021-02-26', framework: null, weight: 1, core: false
  },
  {
    key: 'digital-forensics-2022', title: () => 'An inspection into how well the police and other agencies use digital forensics in their investigations', label: 'Digital forensics 2022',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2022, publishedOn: '2022-12-01', framework: null, weight: 1, core: false
  },
  {
    key: 'online-csea-2023', title: () => 'An inspection of how well the police and National Crime Agency tackle the online sexual abuse and exploitation of children', label: 'Online CSEA 2023',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2023, publishedOn: '2023-04-27', framework: null, weight: 1, core: false
  },
  {
    key: 'fraud-2019', title: () => 'Fraud: Time to choose \u2013 an inspection of the police response to fraud', label: 'Fraud 2019',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2019, publishedOn: '2019-04-02', framework: null, weight: 1, core: false
  },
  {
    key: 'county-lines-2020', title: () => 'Both sides of the coin: the police and National Crime Agency\u2019s response to vulnerable people in county lines drug offending', label: 'County lines 2020',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2020, publishedOn: '2020-01-08', framework: null, weight: 1, core: false
  },
  {
    key: 'rape-joint-2021', title: () => 'A joint thematic inspection of the police and Crown Prosecution Service\u2019s response to rape', label: 'Rape (joint) 2021',
    kind: 'national_thematic', category: 'other_national_thematic', scope: 'national', year: 2021, publishedOn: '2021-07-16', framework: null, weight: 1, core: false
  },
  {
    key: 'custody-2020', title: (name) => `Report on an unannounced inspection visit to police custody suites in ${name}`, label: 'Custody 2020',
    kind: 'other', category: 'other_national_thematic', scope: 'force', year: 2020, publishedOn: '2020-02-20', framework: null, weight: 1, core: false
  },
  {
    key: 'mental-health-joint-2021', title: () => 'A joint thematic inspection of the criminal justice journey for individuals with mental health needs and disorders', label: 'Mental health (joint) 2021',
    kind: 'other', category: 'other_national_thematic', scope: 'national', year: 2021, publishedOn: '2021-11-17', framework: null, weight: 1, core: false
  }
]
