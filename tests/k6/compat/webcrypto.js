// WebCrypto as k6 documents it (the global `crypto`, and 'k6/experimental/webcrypto'): every check
// must pass. Vectors: FIPS 180 (SHA), RFC 4231 (HMAC), the GCM specification, RFC 6070 (PBKDF2).
import { check } from 'k6';
import { crypto as experimental } from 'k6/experimental/webcrypto';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

const enc = (s) => new TextEncoderLike().encode(s);
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));

// k6 has no TextEncoder; scripts build their bytes by hand, as this does.
class TextEncoderLike {
  encode(s) {
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
}

async function rejection(promise) {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    return e.name;
  }
}

export default async function () {
  const subtle = crypto.subtle;
  check(crypto, {
    'the experimental module exports the global': (c) => c === experimental,
    'randomUUID is a v4 UUID': (c) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(c.randomUUID()),
    'getRandomValues fills and returns its array': (c) => {
      const a = new Uint32Array(16);
      return c.getRandomValues(a) === a && a.some((x) => x !== 0);
    },
  });
  let quota = '';
  try {
    crypto.getRandomValues(new Uint8Array(65537));
  } catch (e) {
    quota = e.name;
  }
  check(quota, { 'getRandomValues refuses more than 65536 bytes': (n) => n === 'QuotaExceededError' });

  const sha = await subtle.digest('SHA-256', enc('abc'));
  const sha1 = await subtle.digest({ name: 'sha-1' }, enc('abc'));
  check(null, {
    'digest SHA-256': () => hex(sha) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'digest names are case-insensitive': () => hex(sha1) === 'a9993e364706816aba3e25717850c26c9cd0d89d',
  });

  const hmacKey = await subtle.importKey('raw', enc('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
  const mac = await subtle.sign('HMAC', hmacKey, enc('what do ya want for nothing?'));
  const macJwk = await subtle.exportKey('jwk', hmacKey);
  check(null, {
    'HMAC sign (RFC 4231)': () => hex(mac) === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'HMAC key shape': () => JSON.stringify(hmacKey) ===
      '{"type":"secret","extractable":true,"algorithm":{"name":"HMAC","hash":{"name":"SHA-256"},"length":32},"usages":["sign","verify"]}',
    'HMAC JWK': () => macJwk.kty === 'oct' && macJwk.k === 'SmVmZQ' && macJwk.alg === 'HS256' && macJwk.ext === true,
  });
  check(await subtle.verify('HMAC', hmacKey, mac, enc('what do ya want for nothing?')), { 'HMAC verifies': (v) => v === true });
  check(await subtle.verify('HMAC', hmacKey, mac, enc('what do ya want for something?')), { 'HMAC rejects': (v) => v === false });

  const gcmKey = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, gcmKey, new Uint8Array(16));
  const opened = await subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, gcmKey, sealed);
  const tampered = new Uint8Array(sealed.slice(0));
  tampered[0] ^= 1;
  check(null, {
    'AES-GCM encrypt (GCM test case 2)': () => hex(sealed) === '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf',
    'AES-GCM decrypt': () => hex(opened) === '00'.repeat(16),
  });
  check(await rejection(subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, gcmKey, tampered)),
    { 'AES-GCM refuses tampered data': (n) => n === 'OperationError' });
  check(await rejection(subtle.exportKey('raw', gcmKey)), { 'a non-extractable key is not exported': (n) => n === 'InvalidAccessError' });

  for (const name of ['AES-CBC', 'AES-CTR']) {
    const key = await subtle.generateKey({ name, length: 256 }, true, ['encrypt', 'decrypt']);
    const params = name === 'AES-CBC' ? { name, iv: crypto.getRandomValues(new Uint8Array(16)) }
      : { name, counter: new Uint8Array(16), length: 64 };
    const out = await subtle.decrypt(params, key, await subtle.encrypt(params, key, enc('attack at dawn')));
    const raw = await subtle.exportKey('raw', key);
    check(null, {
      [`${name} round trip`]: () => String.fromCharCode(...new Uint8Array(out)) === 'attack at dawn',
      [`${name} key is 256 bits`]: () => raw.byteLength === 32 && key.algorithm.length === 256,
    });
  }

  const pbkdf2 = await subtle.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', salt: enc('salt'), iterations: 2, hash: 'SHA-1' }, pbkdf2, 160);
  const derived = await subtle.deriveKey({ name: 'PBKDF2', salt: enc('salt'), iterations: 1000, hash: 'SHA-256' }, pbkdf2,
    { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
  check(null, {
    'PBKDF2 deriveBits (RFC 6070)': () => hex(bits) === 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957',
    'deriveKey gives the asked key': () => derived.algorithm.name === 'AES-GCM' && derived.algorithm.length === 128 &&
      derived.usages.join() === 'encrypt',
  });
  check(await rejection(subtle.importKey('raw', enc('p'), 'PBKDF2', true, ['deriveBits'])),
    { 'a PBKDF2 key cannot be extractable': (n) => n === 'SyntaxError' });

  for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
    const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, enc('m'));
    const spki = await subtle.exportKey('spki', pair.publicKey);
    const imported = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve }, true, ['verify']);
    const jwk = await subtle.exportKey('jwk', pair.privateKey);
    const fromJwk = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve }, true, ['sign']);
    const resigned = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, fromJwk, enc('m'));
    check(null, {
      [`ECDSA ${namedCurve} signature is r||s`]: () => signature.byteLength === { 'P-256': 64, 'P-384': 96, 'P-521': 132 }[namedCurve],
      [`ECDSA ${namedCurve} key pair shape`]: () => pair.publicKey.type === 'public' && pair.privateKey.type === 'private' &&
        pair.publicKey.usages.join() === 'verify' && pair.privateKey.usages.join() === 'sign' &&
        pair.publicKey.algorithm.namedCurve === namedCurve,
      [`ECDSA ${namedCurve} JWK`]: () => jwk.kty === 'EC' && jwk.crv === namedCurve && typeof jwk.d === 'string',
    });
    check(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, imported, signature, enc('m')),
      { [`ECDSA ${namedCurve} verifies with the SPKI import`]: (v) => v === true });
    check(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, resigned, enc('m')),
      { [`ECDSA ${namedCurve} JWK round trip signs`]: (v) => v === true });
  }

  const alice = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const bob = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const ab = await subtle.deriveBits({ name: 'ECDH', public: bob.publicKey }, alice.privateKey, 256);
  const ba = await subtle.deriveBits({ name: 'ECDH', public: alice.publicKey }, bob.privateKey, 256);
  const rawPoint = await subtle.exportKey('raw', alice.publicKey);
  check(null, {
    'ECDH both sides agree': () => ab.byteLength === 32 && hex(ab) === hex(ba),
    'ECDH public key exports as an uncompressed point': () => rawPoint.byteLength === 65 && new Uint8Array(rawPoint)[0] === 4,
    'an ECDH public key has no usages': () => alice.publicKey.usages.length === 0,
  });
  check(await rejection(subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, alice.privateKey, enc('m'))),
    { 'an ECDH key does not sign': (n) => n === 'InvalidAccessError' });

  const exponent = new Uint8Array([1, 0, 1]);
  for (const name of ['RSASSA-PKCS1-v1_5', 'RSA-PSS']) {
    const pair = await subtle.generateKey({ name, modulusLength: 1024, publicExponent: exponent, hash: 'SHA-256' }, true,
      ['sign', 'verify']);
    const params = { name, saltLength: 32 };
    const signature = await subtle.sign(params, pair.privateKey, enc('data'));
    const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
    const again = await subtle.importKey('pkcs8', pkcs8, { name, hash: 'SHA-256' }, false, ['sign']);
    check(null, {
      [`${name} signature size`]: () => signature.byteLength === 128,
      [`${name} algorithm shape`]: () => pair.publicKey.algorithm.modulusLength === 1024 &&
        hex(pair.publicKey.algorithm.publicExponent) === '010001' && pair.publicKey.algorithm.hash.name === 'SHA-256',
      [`${name} pkcs8 import`]: () => again.type === 'private' && again.extractable === false,
    });
    check(await subtle.verify(params, pair.publicKey, signature, enc('data')), { [`${name} verifies`]: (v) => v === true });
    check(await subtle.verify(params, pair.publicKey, signature, enc('date')), { [`${name} rejects`]: (v) => v === false });
  }
  const oaep = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: exponent, hash: 'SHA-256' },
    true, ['encrypt', 'decrypt']);
  const secret = await subtle.encrypt({ name: 'RSA-OAEP', label: enc('l') }, oaep.publicKey, enc('secret'));
  const plain = await subtle.decrypt({ name: 'RSA-OAEP', label: enc('l') }, oaep.privateKey, secret);
  const oaepJwk = await subtle.exportKey('jwk', oaep.publicKey);
  check(null, {
    'RSA-OAEP round trip': () => String.fromCharCode(...new Uint8Array(plain)) === 'secret',
    'RSA-OAEP JWK': () => oaepJwk.kty === 'RSA' && oaepJwk.alg === 'RSA-OAEP-256' && oaepJwk.e === 'AQAB' && !oaepJwk.d,
  });

  check(await rejection(subtle.digest('MD5', enc('x'))), { 'unknown algorithms are NotSupportedError': (n) => n === 'NotSupportedError' });
  check(await rejection(subtle.importKey('raw', new Uint8Array(5), 'AES-GCM', true, ['encrypt'])),
    { 'a 5-byte AES key is refused': (n) => n === 'OperationError' });
  check(await rejection(subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['sign'])),
    { 'a wrong usage is SyntaxError': (n) => n === 'SyntaxError' });
  check(await rejection(subtle.importKey('spki', enc('not a key'), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])),
    { 'garbage key bytes are DataError': (n) => n === 'DataError' });
  check(await rejection(subtle.importKey('jwk', { kty: 'EC', crv: 'P-521', x: 'AA', y: 'AA' }, { name: 'ECDSA', namedCurve: 'P-256' },
    true, ['verify'])), { 'a JWK on another curve is DataError': (n) => n === 'DataError' });
}
