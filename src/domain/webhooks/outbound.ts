import { type LookupAddress, lookup as dnsLookup } from 'node:dns'
import { type IncomingMessage, request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP } from 'node:net'

/**
 * Where a webhook may send: a subscriber chooses the URL and can read the start of each answer,
 * so an unguarded sender would let a registrar probe the service's own network. Cloud metadata,
 * link-local, unspecified and multicast addresses are never reached; loopback and private ranges
 * only when the operator allows them (WEBHOOK_ALLOW_PRIVATE_NETWORKS), as a force whose systems sit
 * on its own network will. The check is made on the address actually connected to, after DNS,
 * so a name that resolves differently the second time gains nothing.
 */
const NEVER = new BlockList()
NEVER.addSubnet('0.0.0.0', 8, 'ipv4')
NEVER.addSubnet('169.254.0.0', 16, 'ipv4')
NEVER.addSubnet('224.0.0.0', 4, 'ipv4')
NEVER.addSubnet('240.0.0.0', 4, 'ipv4')
NEVER.addAddress('::', 'ipv6')
NEVER.addSubnet('fe80::', 10, 'ipv6')
NEVER.addSubnet('ff00::', 8, 'ipv6')

const PRIVATE = new BlockList()
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4')
PRIVATE.addAddress('::1', 'ipv6')
PRIVATE.addSubnet('fc00::', 7, 'ipv6')

export function addressAllowed(address: string, allowPrivate: boolean): boolean {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  const plain = mapped ?? address
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4'
  if (NEVER.check(plain, family)) return false
  return allowPrivate || !PRIVATE.check(plain, family)
}

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
}

/** A hostname written as an IP literal, without IPv6 brackets; null for a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '')
  return isIP(bare) ? bare : null
}

export interface PostResult {
  status: number
  /** The start of the answer, at most `keepChars` characters. */
  body: string
}

/** POSTs a body and reads the start of the answer, within a time limit, to allowed addresses only. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean; keepChars: number }
): Promise<PostResult> {
  const target = new URL(url)
  const literal = literalAddress(target.hostname)
  if (literal !== null && !addressAllowed(literal, options.allowPrivate)) {
    return Promise.reject(new BlockedAddressError(`${literal} is not an address webhooks may reach`))
  }
  const lookup = (hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error)
      const allowed = addresses.filter((a) => addressAllowed(a.address, options.allowPrivate))
      if (allowed.length === 0) return callback(new BlockedAddressError(`${hostname} resolves only to addresses webhooks may not reach`))
      if (lookupOptions.all) return callback(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    })
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<PostResult>((resolve, reject) => {
    const request = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: lookup as never, signal: AbortSignal.timeout(options.timeoutMs) },
      (response: IncomingMessage) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
          // Enough kept: stop reading a long answer rather than wait for all of it.
          if (text.length >= options.keepChars) response.destroy()
        })
        const done = () => resolve({ status: response.statusCode ?? 0, body: text.slice(0, options.keepChars) })
        response.on('end', done)
        response.on('close', done)
        response.on('error', done)
      }
    )
    request.on('error', reject)
    request.end(body)
  })
}
