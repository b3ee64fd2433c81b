// WebCrypto for k6 scripts: the global `crypto` (getRandomValues, randomUUID, subtle). This file
// checks arguments, keeps CryptoKey objects and speaks the W3C API; `native` (webcrypto_module.cc)
// does the cryptography on OpenSSL with bytes in and bytes out. Asymmetric keys keep their DER
// (PKCS #8 or SPKI), secret keys their raw bytes, under a symbol JSON.stringify does not see.
(function (native) {
  'use strict';

  class WebCryptoError extends Error {
    constructor(name, message) {
      super(message);
      this.name = name;
    }
  }
  const fail = (name, message) => { throw new WebCryptoError(name, message); };

  const ALGORITHMS = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'AES-CBC', 'AES-CTR', 'AES-GCM', 'HMAC', 'ECDSA',
    'ECDH', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP', 'PBKDF2'];
  // What each operation accepts, as WebCrypto's registry has it (AES-KW, HKDF, Ed25519 and X25519 are
  // not here: k6 v1.3 does not have them either).
  const SUPPORTS = {
    digest: ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'],
    generateKey: ['AES-CBC', 'AES-CTR', 'AES-GCM', 'HMAC', 'ECDSA', 'ECDH', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'],
    importKey: ['AES-CBC', 'AES-CTR', 'AES-GCM', 'HMAC', 'ECDSA', 'ECDH', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP',
      'PBKDF2'],
    encrypt: ['AES-CBC', 'AES-CTR', 'AES-GCM', 'RSA-OAEP'],
    sign: ['HMAC', 'ECDSA', 'RSASSA-PKCS1-v1_5', 'RSA-PSS'],
    deriveBits: ['ECDH', 'PBKDF2'],
  };
  SUPPORTS.decrypt = SUPPORTS.encrypt;
  SUPPORTS.verify = SUPPORTS.sign;
  SUPPORTS.deriveKey = SUPPORTS.deriveBits;
  SUPPORTS.derivedKey = ['AES-CBC', 'AES-CTR', 'AES-GCM', 'HMAC'];

  // The usages a key of each kind may have: [secret or private, public].
  const USAGES = {
    AES: [['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], []],
    HMAC: [['sign', 'verify'], []],
    ECDSA: [['sign'], ['verify']],
    ECDH: [['deriveKey', 'deriveBits'], []],
    'RSASSA-PKCS1-v1_5': [['sign'], ['verify']],
    'RSA-PSS': [['sign'], ['verify']],
    'RSA-OAEP': [['decrypt', 'unwrapKey'], ['encrypt', 'wrapKey']],
    PBKDF2: [['deriveKey', 'deriveBits'], []],
  };
  const family = (name) => (name.startsWith('AES-') ? 'AES' : name);

  function normalize(algorithm, op) {
    const given = typeof algorithm === 'string' ? { name: algorithm } : algorithm;
    if (given === null || typeof given !== 'object' || typeof given.name !== 'string') {
      throw new TypeError(`${op}: the algorithm must be a name or an object with a name`);
    }
    const name = ALGORITHMS.find((n) => n.toUpperCase() === given.name.toUpperCase());
    if (!name || !SUPPORTS[op].includes(name)) fail('NotSupportedError', `${op}: unsupported algorithm '${given.name}'`);
    return Object.assign({}, given, { name });
  }
  function hashName(hash, op) {
    if (hash === undefined) throw new TypeError(`${op}: the algorithm needs a hash`);
    return normalize(hash, 'digest').name;
  }

  function bufferOf(value, what) {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
    throw new TypeError(`${what} must be an ArrayBuffer, a typed array or a DataView`);
  }

  const MATERIAL = Symbol('key material');
  class CryptoKey {
    constructor(type, extractable, algorithm, usages, material) {
      this.type = type;
      this.extractable = extractable;
      this.algorithm = algorithm;
      this.usages = usages;
      Object.defineProperty(this, MATERIAL, { value: material });
    }
  }

  function checkUsages(name, type, usages) {
    if (!Array.isArray(usages)) throw new TypeError('keyUsages must be an array');
    const allowed = USAGES[family(name)][type === 'public' ? 1 : 0];
    for (const usage of usages) {
      if (!allowed.includes(usage)) fail('SyntaxError', `'${usage}' is not a valid usage for a ${type} ${name} key`);
    }
    if (type !== 'public' && usages.length === 0) fail('SyntaxError', `a ${type} ${name} key needs at least one usage`);
    return [...new Set(usages)];
  }

  function keyFor(key, name, usage) {
    if (!(key instanceof CryptoKey)) throw new TypeError('key must be a CryptoKey');
    if (key.algorithm.name !== name) {
      fail('InvalidAccessError', `the key is a ${key.algorithm.name} key, not ${name}`);
    }
    if (!key.usages.includes(usage)) fail('InvalidAccessError', `the key's usages do not include '${usage}'`);
    return key[MATERIAL];
  }

  function aesLength(length) {
    if (![128, 192, 256].includes(length)) fail('OperationError', `AES key length must be 128, 192 or 256, not ${length}`);
    return length;
  }
  function hmacAlgorithm(alg, bytes, op) {
    const hash = hashName(alg.hash, op);
    const length = alg.length === undefined ? (bytes === undefined ? native.hashBlockSize(hash) * 8 : bytes * 8)
      : alg.length;
    if (!(length > 0)) fail('OperationError', 'an HMAC key length must be more than 0');
    return { name: 'HMAC', hash: { name: hash }, length };
  }
  function rsaAlgorithm(alg, info, op) {
    return { name: alg.name, modulusLength: info.modulusLength, publicExponent: new Uint8Array(info.publicExponent),
      hash: { name: hashName(alg.hash, op) } };
  }
  function curveOf(alg) {
    if (!['P-256', 'P-384', 'P-521'].includes(alg.namedCurve)) {
      fail('NotSupportedError', `unsupported namedCurve '${alg.namedCurve}' (P-256, P-384, P-521)`);
    }
    return alg.namedCurve;
  }

  function pairOf(alg, algorithm, extractable, usages, pair) {
    const [privateUsages, publicUsages] = USAGES[alg.name];
    const privateKey = new CryptoKey('private', extractable, algorithm,
      usages.filter((u) => privateUsages.includes(u)), pair.privateKey);
    const publicKey = new CryptoKey('public', true, algorithm, usages.filter((u) => publicUsages.includes(u)),
      pair.publicKey);
    if (privateKey.usages.length === 0) fail('SyntaxError', `a private ${alg.name} key needs at least one usage`);
    return { publicKey, privateKey };
  }

  // An asymmetric key from DER: its kind must be the algorithm's, and for EC its curve the named one.
  function asymmetricKey(alg, der, type, extractable, usages) {
    const info = native.inspect(der, type === 'private');
    const ec = alg.name === 'ECDSA' || alg.name === 'ECDH';
    if (info.kind !== (ec ? 'EC' : 'RSA')) fail('DataError', `the key is an ${info.kind} key, not one for ${alg.name}`);
    let algorithm;
    if (ec) {
      if (info.curve !== curveOf(alg)) fail('DataError', `the key is on ${info.curve}, not ${alg.namedCurve}`);
      algorithm = { name: alg.name, namedCurve: info.curve };
    } else {
      algorithm = rsaAlgorithm(alg, info, 'importKey');
    }
    return new CryptoKey(type, extractable, algorithm, checkUsages(alg.name, type, usages), der);
  }

  function secretKey(alg, raw, extractable, usages) {
    let algorithm;
    if (family(alg.name) === 'AES') {
      algorithm = { name: alg.name, length: aesLength(raw.byteLength * 8) };
    } else if (alg.name === 'HMAC') {
      algorithm = hmacAlgorithm(alg, raw.byteLength, 'importKey');
    } else {
      if (extractable) fail('SyntaxError', 'a PBKDF2 key cannot be extractable');
      algorithm = { name: 'PBKDF2' };
    }
    return new CryptoKey('secret', extractable, algorithm, checkUsages(alg.name, 'secret', usages), raw);
  }

  const JWK_ALGS = { 'AES-CBC': 'CBC', 'AES-CTR': 'CTR', 'AES-GCM': 'GCM' };
  function jwkAlg(algorithm) {
    const bits = (h) => h.name.slice(4);
    switch (algorithm.name) {
      case 'HMAC': return `HS${bits(algorithm.hash)}`;
      case 'RSASSA-PKCS1-v1_5': return `RS${bits(algorithm.hash)}`;
      case 'RSA-PSS': return `PS${bits(algorithm.hash)}`;
      case 'RSA-OAEP': return algorithm.hash.name === 'SHA-1' ? 'RSA-OAEP' : `RSA-OAEP-${bits(algorithm.hash)}`;
      default: return JWK_ALGS[algorithm.name] ? `A${algorithm.length}${JWK_ALGS[algorithm.name]}` : undefined;
    }
  }

  function importJwk(alg, jwk, extractable, usages) {
    if (jwk === null || typeof jwk !== 'object') throw new TypeError('a JWK must be an object');
    if (jwk.ext === false && extractable) fail('DataError', 'the JWK is not extractable (ext: false)');
    if (jwk.key_ops && usages.some((u) => !jwk.key_ops.includes(u))) {
      fail('DataError', 'the JWK\'s key_ops do not allow the requested usages');
    }
    const kind = { AES: 'oct', HMAC: 'oct', ECDSA: 'EC', ECDH: 'EC' }[family(alg.name)] || 'RSA';
    if (jwk.kty !== kind) fail('DataError', `a ${alg.name} JWK has kty '${kind}', not '${jwk.kty}'`);
    if (kind === 'oct') {
      if (typeof jwk.k !== 'string') fail('DataError', 'the JWK has no \'k\' member');
      return secretKey(alg, native.fromBase64Url(jwk.k), extractable, usages);
    }
    const curve = kind === 'EC' ? curveOf(alg) : '';
    if (kind === 'EC' && jwk.crv !== curve) fail('DataError', `the JWK's curve is ${jwk.crv}, not ${curve}`);
    const type = jwk.d === undefined ? 'public' : 'private';
    return asymmetricKey(alg, native.derOfJwk(curve, jwk), type, extractable, usages);
  }

  function exportJwk(key) {
    const algorithm = key.algorithm;
    const common = { key_ops: key.usages, ext: key.extractable };
    if (key.type === 'secret') {
      return Object.assign({ kty: 'oct', k: native.toBase64Url(key[MATERIAL]), alg: jwkAlg(algorithm) }, common);
    }
    const fields = native.jwkFields(key[MATERIAL], key.type === 'private');
    if (algorithm.namedCurve) return Object.assign({ kty: 'EC', crv: algorithm.namedCurve }, fields, common);
    return Object.assign({ kty: 'RSA', alg: jwkAlg(algorithm) }, fields, common);
  }

  // The bits a derivation gives, before they become a key or are returned.
  function derive(alg, key, length, usage) {
    const material = keyFor(key, alg.name, usage);
    if (alg.name === 'ECDH') {
      const peer = alg.public;
      if (!(peer instanceof CryptoKey) || peer.type !== 'public' || peer.algorithm.name !== 'ECDH') {
        fail('InvalidAccessError', 'ECDH needs `public`, an ECDH public key');
      }
      if (peer.algorithm.namedCurve !== key.algorithm.namedCurve) {
        fail('InvalidAccessError', 'the ECDH keys are on different curves');
      }
      return native.ecdh(material, peer[MATERIAL], length === null || length === undefined ? 0 : length);
    }
    if (length === null || length === undefined) fail('OperationError', 'PBKDF2 needs a length');
    return native.pbkdf2(hashName(alg.hash, 'deriveBits'), material, bufferOf(alg.salt, 'salt'), alg.iterations, length);
  }

  const subtle = {
    async digest(algorithm, data) {
      return native.digest(normalize(algorithm, 'digest').name, bufferOf(data, 'data'));
    },

    async generateKey(algorithm, extractable, usages) {
      const alg = normalize(algorithm, 'generateKey');
      if (family(alg.name) === 'AES') {
        const length = aesLength(alg.length);
        return new CryptoKey('secret', extractable, { name: alg.name, length },
          checkUsages(alg.name, 'secret', usages), native.randomBytes(length / 8));
      }
      if (alg.name === 'HMAC') {
        const algorithm = hmacAlgorithm(alg, undefined, 'generateKey');
        return new CryptoKey('secret', extractable, algorithm, checkUsages('HMAC', 'secret', usages),
          native.randomBytes(Math.ceil(algorithm.length / 8)));
      }
      for (const usage of usages) {
        if (!USAGES[alg.name][0].includes(usage) && !USAGES[alg.name][1].includes(usage)) {
          fail('SyntaxError', `'${usage}' is not a valid usage for ${alg.name}`);
        }
      }
      if (alg.name === 'ECDSA' || alg.name === 'ECDH') {
        const curve = curveOf(alg);
        return pairOf(alg, { name: alg.name, namedCurve: curve }, extractable, usages, native.generateEc(curve));
      }
      const exponent = native.copy(bufferOf(alg.publicExponent, 'publicExponent'));
      const pair = native.generateRsa(alg.modulusLength, exponent);
      const info = { modulusLength: alg.modulusLength, publicExponent: exponent };
      return pairOf(alg, rsaAlgorithm(alg, info, 'generateKey'), extractable, usages, pair);
    },

    async importKey(format, keyData, algorithm, extractable, usages) {
      const alg = normalize(algorithm, 'importKey');
      const ec = alg.name === 'ECDSA' || alg.name === 'ECDH';
      switch (format) {
        case 'raw': {
          const raw = native.copy(bufferOf(keyData, 'keyData'));
          if (ec) return asymmetricKey(alg, native.ecSpkiOfPoint(curveOf(alg), raw), 'public', extractable, usages);
          if (family(alg.name) === 'AES' || alg.name === 'HMAC' || alg.name === 'PBKDF2') {
            return secretKey(alg, raw, extractable, usages);
          }
          return fail('NotSupportedError', `a ${alg.name} key cannot be imported as raw`);
        }
        case 'jwk':
          if (alg.name === 'PBKDF2') fail('NotSupportedError', 'a PBKDF2 key is imported as raw only');
          return importJwk(alg, keyData, extractable, usages);
        case 'spki':
        case 'pkcs8':
          if (!ec && !alg.name.startsWith('RSA')) fail('NotSupportedError', `a ${alg.name} key cannot be ${format}`);
          return asymmetricKey(alg, native.copy(bufferOf(keyData, 'keyData')), format === 'spki' ? 'public' : 'private',
            extractable, usages);
        default:
          return fail('NotSupportedError', `unknown key format '${format}' (raw, jwk, spki, pkcs8)`);
      }
    },

    async exportKey(format, key) {
      if (!(key instanceof CryptoKey)) throw new TypeError('key must be a CryptoKey');
      if (!key.extractable) fail('InvalidAccessError', 'the key is not extractable');
      const material = key[MATERIAL];
      switch (format) {
        case 'raw':
          if (key.type === 'secret') return native.copy(material);
          if (key.type === 'public' && key.algorithm.namedCurve) return native.ecPoint(material);
          break;
        case 'jwk':
          return exportJwk(key);
        case 'spki':
          if (key.type === 'public') return native.copy(material);
          break;
        case 'pkcs8':
          if (key.type === 'private') return native.copy(material);
          break;
        default:
          fail('NotSupportedError', `unknown key format '${format}' (raw, jwk, spki, pkcs8)`);
      }
      return fail('InvalidAccessError', `a ${key.type} ${key.algorithm.name} key cannot be exported as ${format}`);
    },

    async encrypt(algorithm, key, data) {
      return crypt(true, algorithm, key, data);
    },
    async decrypt(algorithm, key, data) {
      return crypt(false, algorithm, key, data);
    },

    async sign(algorithm, key, data) {
      const alg = normalize(algorithm, 'sign');
      const material = keyFor(key, alg.name, 'sign');
      const bytes = bufferOf(data, 'data');
      switch (alg.name) {
        case 'HMAC': return native.hmac(key.algorithm.hash.name, material, bytes);
        case 'ECDSA': return native.ecdsaSign(hashName(alg.hash, 'sign'), material, bytes);
        case 'RSA-PSS': return native.rsaSign(key.algorithm.hash.name, material, bytes, saltLength(alg));
        default: return native.rsaSign(key.algorithm.hash.name, material, bytes, -1);
      }
    },

    async verify(algorithm, key, signature, data) {
      const alg = normalize(algorithm, 'verify');
      const material = keyFor(key, alg.name, 'verify');
      const sig = bufferOf(signature, 'signature');
      const bytes = bufferOf(data, 'data');
      switch (alg.name) {
        case 'HMAC': return native.equal(native.hmac(key.algorithm.hash.name, material, bytes), sig);
        case 'ECDSA': return native.ecdsaVerify(hashName(alg.hash, 'verify'), material, sig, bytes);
        case 'RSA-PSS': return native.rsaVerify(key.algorithm.hash.name, material, sig, bytes, saltLength(alg));
        default: return native.rsaVerify(key.algorithm.hash.name, material, sig, bytes, -1);
      }
    },

    async deriveBits(algorithm, baseKey, length) {
      return derive(normalize(algorithm, 'deriveBits'), baseKey, length, 'deriveBits');
    },

    async deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, usages) {
      const target = normalize(derivedKeyAlgorithm, 'derivedKey');
      const length = target.name === 'HMAC' ? hmacAlgorithm(target, undefined, 'deriveKey').length
        : aesLength(target.length);
      const bits = derive(normalize(algorithm, 'deriveKey'), baseKey, length, 'deriveKey');
      return subtle.importKey('raw', bits, target, extractable, usages);
    },

    async wrapKey() {
      fail('NotSupportedError', 'wrapKey is not supported (nor is it in k6)');
    },
    async unwrapKey() {
      fail('NotSupportedError', 'unwrapKey is not supported (nor is it in k6)');
    },
  };

  function saltLength(alg) {
    if (!Number.isInteger(alg.saltLength) || alg.saltLength < 0) {
      throw new TypeError('RSA-PSS needs saltLength, a non-negative integer');
    }
    return alg.saltLength;
  }

  function crypt(encrypt, algorithm, key, data) {
    const op = encrypt ? 'encrypt' : 'decrypt';
    const alg = normalize(algorithm, op);
    const material = keyFor(key, alg.name, op);
    const bytes = bufferOf(data, 'data');
    switch (alg.name) {
      case 'AES-CBC':
        return native.aesCbc(encrypt, material, bufferOf(alg.iv, 'iv'), bytes);
      case 'AES-CTR':
        return native.aesCtr(material, bufferOf(alg.counter, 'counter'), alg.length, bytes);
      case 'AES-GCM': {
        const aad = alg.additionalData === undefined ? new ArrayBuffer(0) : bufferOf(alg.additionalData, 'additionalData');
        return native.aesGcm(encrypt, material, bufferOf(alg.iv, 'iv'), aad,
          alg.tagLength === undefined ? 128 : alg.tagLength, bytes);
      }
      default: {
        const label = alg.label === undefined ? new ArrayBuffer(0) : bufferOf(alg.label, 'label');
        return native.rsaOaep(encrypt, key.algorithm.hash.name, material, label, bytes);
      }
    }
  }

  const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    BigInt64Array, BigUint64Array];

  return {
    subtle,
    getRandomValues(array) {
      if (!INTEGER_ARRAYS.some((type) => array instanceof type)) {
        fail('TypeMismatchError', 'getRandomValues needs an integer typed array');
      }
      if (array.byteLength > 65536) {
        fail('QuotaExceededError', `getRandomValues fills at most 65536 bytes, not ${array.byteLength}`);
      }
      native.randomFill(array);
      return array;
    },
    randomUUID() {
      const b = new Uint8Array(native.randomBytes(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
})
