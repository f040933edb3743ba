/**
 * Outputs of FNV-1a, jump consistent hashing and CRC-32C as their authors and other projects
 * published them, copied as data (inputs and expected outputs only, never code). The generator
 * writes them into conformance/*.json beside the engine's own vectors, so the conformance test
 * checks the engine against values it did not produce.
 */

export interface Source {
  id: string;
  cite: string;
}

export const SOURCES: Record<string, Source> = {
  fnvTestSuite: {
    id: 'fnv-test-suite',
    cite:
      "Landon Curt Noll's FNV reference test suite, test_fnv.c v5.3 (2009), fnv1a_64_vector[] for " +
      'fnv_test_str[0..39]: http://www.isthe.com/chongo/tech/comp/fnv/index.html',
  },
  fnvDraft: {
    id: 'draft-eastlake-fnv',
    cite:
      'IETF draft-eastlake-fnv (The FNV Non-Cryptographic Hash Algorithm), Appendix C "A Few Test ' +
      'Vectors" (FNV32 of "", "a", "foobar"), and the same suite\'s FNV-1a 32 values for "b".."fooba": ' +
      'https://datatracker.ietf.org/doc/draft-eastlake-fnv/',
  },
  guava: {
    id: 'guava-hashing-test',
    cite:
      'Guava, guava-tests/test/com/google/common/hash/HashingTest.java, ' +
      'testConsistentHash_linearCongruentialGeneratorCompatibility ("golden values to see that ' +
      'implementations across languages are equivalent"): Hashing.consistentHash(key, buckets)',
  },
  goJump: {
    id: 'dgryski-go-jump',
    cite:
      'github.com/dgryski/go-jump, jump_test.go TestHash ("Generated from the reference C++ code"): ' +
      'Hash(key, n) for n = 1, 2, 3, ...',
  },
  goJumpConsistentHash: {
    id: 'lithammer-go-jump-consistent-hash',
    cite: 'github.com/lithammer/go-jump-consistent-hash, jump_test.go jumpTestVectors (non-negative bucket counts)',
  },
  rfc3720: {
    id: 'rfc3720-b4',
    cite: 'RFC 3720 (iSCSI), Appendix B.4 "CRC Examples": https://www.rfc-editor.org/rfc/rfc3720#appendix-B.4',
  },
  crcCatalogue: {
    id: 'crc-catalogue',
    cite:
      'Greg Cook, Catalogue of parametrised CRC algorithms, CRC-32/ISCSI (CRC-32C) check value of ' +
      '"123456789": https://reveng.sourceforge.net/crc-catalogue/17plus.htm#crc.cat.crc-32-iscsi',
  },
};

const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

/** FNV-1a of byte strings: [input bytes as hex, FNV-1a 32 or undefined, FNV-1a 64, source]. */
export const FNV1A: [hex: string, fnv32: string | undefined, fnv64: string, source: Source][] = [
  // draft-eastlake-fnv Appendix C and test_fnv.c: 32-bit and 64-bit of "" .. "foobar".
  ...(
    [
      ['', '811c9dc5', 'cbf29ce484222325'],
      ['a', 'e40c292c', 'af63dc4c8601ec8c'],
      ['b', 'e70c2de5', 'af63df4c8601f1a5'],
      ['c', 'e60c2c52', 'af63de4c8601eff2'],
      ['d', 'e10c2473', 'af63d94c8601e773'],
      ['e', 'e00c22e0', 'af63d84c8601e5c0'],
      ['f', 'e30c2799', 'af63db4c8601ead9'],
      ['fo', '6222e842', '08985907b541d342'],
      ['foo', 'a9f37ed7', 'dcb27518fed9d577'],
      ['foob', '3f5076ef', 'dd120e790c2512af'],
      ['fooba', '39aaa18a', 'cac165afa2fef40a'],
      ['foobar', 'bf9cf968', '85944171f73967e8'],
    ] as const
  ).map(
    ([s, h32, h64]) =>
      [ascii(s), h32, h64, ['', 'a', 'foobar'].includes(s) ? SOURCES.fnvDraft! : SOURCES.fnvTestSuite!] as [
        string,
        string,
        string,
        Source,
      ],
  ),
  // test_fnv.c TEST0(...): the same strings with their trailing NUL byte hashed too (a 0x00 byte
  // inside the input, as in a tenant's routing key).
  ...(
    [
      ['', 'af63bd4c8601b7df'],
      ['a', '089be207b544f1e4'],
      ['b', '08a61407b54d9b5f'],
      ['c', '08a2ae07b54ab836'],
      ['d', '0891b007b53c4869'],
      ['e', '088e4a07b5396540'],
      ['f', '08987c07b5420ebb'],
      ['fo', 'dcb28a18fed9f926'],
      ['foo', 'dd1270790c25b935'],
      ['foob', 'cac146afa2febf5d'],
      ['fooba', '8593d371f738acfe'],
      ['foobar', '34531ca7168b8f38'],
    ] as const
  ).map(
    ([s, h64]) =>
      [`${ascii(s)}00`, undefined, h64, SOURCES.fnvTestSuite!] as [string, undefined, string, Source],
  ),
  // test_fnv.c fnv_test_str[24..39]: "ch" .. "chongo was here!\n" (first and last).
  [ascii('ch'), undefined, '08a25607b54a22ae', SOURCES.fnvTestSuite],
  [ascii('chongo was here!\n'), undefined, '46810940eff5f915', SOURCES.fnvTestSuite],
];

/** Jump consistent hash: [64-bit key, buckets, bucket, source]. */
export const JUMP: [key: bigint, buckets: number, bucket: number, source: Source][] = [
  ...[0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83].map(
    (bucket, key) => [BigInt(key), 100, bucket, SOURCES.guava] as [bigint, number, number, Source],
  ),
  [10863919174838991n, 11, 6, SOURCES.guava],
  [2016238256797177309n, 11, 3, SOURCES.guava],
  [1673758223894951030n, 11, 5, SOURCES.guava],
  [2n, 100001, 80343, SOURCES.guava],
  [2201n, 100001, 22152, SOURCES.guava],
  [2202n, 100001, 15018, SOURCES.guava],
  ...(
    [
      [0n, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      [1n, [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]],
      [0xdeadbeefn, [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16]],
      [0x0ddc0ffeebadf00dn, [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15]],
    ] as const
  ).flatMap(([key, buckets]) =>
    buckets.map((bucket, i) => [key, i + 1, bucket, SOURCES.goJump] as [bigint, number, number, Source]),
  ),
  [1n, 1, 0, SOURCES.goJumpConsistentHash],
  [42n, 57, 43, SOURCES.goJumpConsistentHash],
  [0xdead10ccn, 1, 0, SOURCES.goJumpConsistentHash],
  [0xdead10ccn, 666, 361, SOURCES.goJumpConsistentHash],
  [256n, 1024, 520, SOURCES.goJumpConsistentHash],
];

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
const hexOf = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

/** CRC-32C: [input bytes as hex, CRC as 8 hex digits, source]. */
export const CRC32C: [hex: string, crc: string, source: Source][] = [
  [ascii('123456789'), 'e3069283', SOURCES.crcCatalogue],
  [hexOf(new Array<number>(32).fill(0)), '8a9136aa', SOURCES.rfc3720],
  [hexOf(new Array<number>(32).fill(0xff)), '62a8ab43', SOURCES.rfc3720],
  [hexOf(range(0, 31, 1)), '46dd794e', SOURCES.rfc3720],
  [hexOf(range(31, 0, -1)), '113fdb5c', SOURCES.rfc3720],
  // An iSCSI SCSI Read (10) Command PDU.
  [
    [
      '01c00000',
      '00000000',
      '00000000',
      '00000000',
      '14000000',
      '00000400',
      '00000014',
      '00000018',
      '28000000',
      '00000000',
      '02000000',
      '00000000',
    ].join(''),
    'd9963a56',
    SOURCES.rfc3720,
  ],
];
