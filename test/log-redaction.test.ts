import t from 'tap'
import { redactUrl, scrubSecrets } from '../src/log-redaction.ts'

t.test('query parameters named like a secret are censored, whatever their case, separators or encoding', async (t) => {
  t.equal(redactUrl('/v1/forces?api_key=abc&limit=5'), '/v1/forces?api_key=[redacted]&limit=5')
  t.equal(redactUrl('/v1/forces?ApiKey=abc&API-KEY=def&access%5Ftoken=ghi'), '/v1/forces?ApiKey=[redacted]&API-KEY=[redacted]&access%5Ftoken=[redacted]')
  t.equal(redactUrl('/v1/x?Authorization=Bearer%20abc&sessionId=1&pwd=2&client_secret'), '/v1/x?Authorization=[redacted]&sessionId=[redacted]&pwd=[redacted]&[redacted]')
  t.equal(redactUrl('/v1/x?bad%ZZname=1&q=%E0%A4%A'), '/v1/x?bad%ZZname=1&q=%E0%A4%A', 'malformed encoding is kept as sent')
  t.equal(redactUrl('/v1/findings?q=sickness&limit=5&cursor=WyJ4Il0'), '/v1/findings?q=sickness&limit=5&cursor=WyJ4Il0', 'nothing else changes')
})

t.test('one of our secrets is cut wherever it is, under any name', async (t) => {
  t.equal(redactUrl('/v1/findings?q=prk_abcdefSECRETPART'), '/v1/findings?q=[redacted]')
  t.equal(redactUrl('/v1/findings?q=prk%5FabcdefSECRET'), '/v1/findings?q=[redacted]')
  t.equal(redactUrl('/v1/findings?q=x%20whsec_AAAA%3D'), '/v1/findings?q=[redacted]')
  t.equal(redactUrl('/v1/api-keys/prk_abcdefSECRETPART'), '/v1/api-keys/prk_abcdef[redacted]')
  t.equal(scrubSecrets('{"msg":"refused prk_abcdefSECRET-PART_x and whsec_QUJD+/=="}'), '{"msg":"refused prk_abcdef[redacted] and whsec_[redacted]"}')
  t.equal(scrubSecrets('{"keyPrefix":"prk_abcdef"}'), '{"keyPrefix":"prk_abcdef"}', 'the display prefix alone stays: the key list shows it')
})
