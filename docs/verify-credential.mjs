// Check a Rawat Open Badges 3.0 credential offline, independently of Rawat's own code.
//
//   npm install jsonld
//   node docs/verify-credential.mjs kredensial.json did.json [status.json]
//
// did.json is Rawat's /.well-known/did.json and status.json the status list the credential names
// (/api/v1/credentials/status/<n>), both downloaded once. The two JSON-LD contexts are read from
// lms/credentials/contexts/ (copy them next to this file elsewhere): nothing is fetched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import jsonld from 'jsonld';

const here = path.dirname(fileURLToPath(import.meta.url));
const contextDir = [path.join(here, '..', 'lms', 'credentials', 'contexts'), here]
  .find((dir) => fs.existsSync(path.join(dir, 'credentials-v2.jsonld')));
const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-context-3.0.3.json',
};

function documentLoader(url) {
  if (!(url in CONTEXTS)) throw new Error(`unknown context (not fetched): ${url}`);
  const document = JSON.parse(fs.readFileSync(path.join(contextDir, CONTEXTS[url]), 'utf8'));
  return { contextUrl: null, documentUrl: url, document };
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(text) {
  let number = 0n;
  for (const symbol of text) {
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) throw new Error('not base58btc');
    number = number * 58n + BigInt(value);
  }
  const bytes = [];
  while (number > 0n) { bytes.unshift(Number(number % 256n)); number /= 256n; }
  const zeros = text.length - text.replace(/^1+/, '').length;
  return Buffer.from([...new Array(zeros).fill(0), ...bytes]);
}

function publicKey(did, method) {
  const entry = did.verificationMethod.find((item) => item.id === method);
  if (!entry || !did.assertionMethod.includes(method)) return null;
  const raw = base58btc(entry.publicKeyMultibase.slice(1));
  if (entry.publicKeyMultibase[0] !== 'z' || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error('not Ed25519');
  return crypto.createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(2).toString('base64url') } });
}

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest();
const canonize = (document) => jsonld.canonize(document, {
  algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: true,
});

async function proofHolds(secured, did) {
  const { proof, ...unsecured } = secured;
  if (!proof || proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-rdfc-2022') return false;
  if (!proof.verificationMethod.startsWith(`${did.id}#`)) return false;
  const key = publicKey(did, proof.verificationMethod);
  if (!key) return false;
  const { proofValue, ...options } = proof;
  options['@context'] = unsecured['@context'];
  const data = Buffer.concat([sha256(await canonize(options)), sha256(await canonize(unsecured))]);
  return crypto.verify(null, data, key, base58btc(proofValue.slice(1)));
}

const [credentialFile, didFile, statusFile] = process.argv.slice(2);
const credential = JSON.parse(fs.readFileSync(credentialFile, 'utf8'));
const did = JSON.parse(fs.readFileSync(didFile, 'utf8'));
const result = { proof: await proofHolds(credential, did), issuer: credential.issuer?.id === did.id };
const now = new Date();
result.dates = new Date(credential.validFrom) <= now && (!credential.validUntil || now <= new Date(credential.validUntil));
if (statusFile) {
  const list = JSON.parse(fs.readFileSync(statusFile, 'utf8'));
  const entry = credential.credentialStatus;
  result.statusListProof = list.id === entry.statusListCredential && await proofHolds(list, did);
  const bits = zlib.gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  result.revoked = Boolean(bits[index >> 3] & (0x80 >> (index & 7)));
}
console.log(JSON.stringify(result));
process.exit(result.proof && result.issuer && result.dates && !result.revoked ? 0 : 1);
