import { deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  data: Buffer
  method?: number
  /** The size the directory declares, when a test makes the zip lie about it. */
  declaredSize?: number
  /** The bytes stored, when a test makes them damaged. */
  compressed?: Buffer
}

/** A zip archive by hand, so a test can make one lie about its sizes or hold damaged data. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const directory: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const method = entry.method ?? 8
    const body = entry.compressed ?? (method === 8 ? deflateRawSync(entry.data, { level: 9 }) : entry.data)
    const name = Buffer.from(entry.name)
    const size = entry.declaredSize ?? entry.data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    directory.push(central, name)
    offset += local.length + name.length + body.length
  }
  const centralBytes = Buffer.concat(directory)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, centralBytes, end])
}

const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

export interface SheetPart {
  name: string
  /** The worksheet's XML, whole; or, with `rows`, the inside of its sheetData. */
  xml?: string | Buffer
  rows?: string
  hidden?: boolean
  /** The part as a lying or damaged zip entry would hold it. */
  entry?: Omit<ZipEntry, 'name'>
}

/**
 * An xlsx workbook written by hand, part by part, so a test decides every byte of what a hostile
 * (or merely unusual) writer might send: prefixes, white space, coordinates, sizes.
 */
export function workbook(options: { sheets: SheetPart[]; sharedStrings?: string | Buffer; styles?: string; date1904?: boolean; extra?: ZipEntry[] }): Buffer {
  const sheets = options.sheets.map((sheet, i) => ({ ...sheet, id: `rId${i + 1}`, part: `worksheets/sheet${i + 1}.xml` }))
  const rels = [
    ...sheets.map((s) => `<Relationship Id="${s.id}" Type="${RELS}/worksheet" Target="${s.part}"/>`),
    options.sharedStrings === undefined ? '' : `<Relationship Id="rIdS" Type="${RELS}/sharedStrings" Target="sharedStrings.xml"/>`,
    options.styles === undefined ? '' : `<Relationship Id="rIdT" Type="${RELS}/styles" Target="styles.xml"/>`
  ].join('')
  const entries: ZipEntry[] = [
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${RELS}">` +
          (options.date1904 ? '<workbookPr date1904="1"/>' : '') +
          `<sheets>${sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="${s.id}"/>`).join('')}</sheets></workbook>`
      )
    },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`) },
    ...sheets.map((s) => ({
      name: `xl/${s.part}`,
      data: Buffer.isBuffer(s.xml) ? s.xml : Buffer.from(s.xml ?? `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${s.rows ?? ''}</sheetData></worksheet>`),
      ...s.entry
    }))
  ]
  if (options.sharedStrings !== undefined) {
    const data = Buffer.isBuffer(options.sharedStrings) ? options.sharedStrings : Buffer.from(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${options.sharedStrings}</sst>`)
    entries.push({ name: 'xl/sharedStrings.xml', data })
  }
  if (options.styles !== undefined) entries.push({ name: 'xl/styles.xml', data: Buffer.from(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${options.styles}</styleSheet>`) })
  return zip([...entries, ...(options.extra ?? [])])
}
