import { createHash } from 'node:crypto';

/*
 * Merkle trees as RFC 6962 (Certificate Transparency) defines them: a leaf is hashed with a 0x00
 * prefix and an inner node with 0x01, so no leaf can pass for a subtree; a tree of n leaves splits
 * at the largest power of two below n. Hashes are hex strings.
 */
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafNode = (leaf: string) => sha256(Buffer.from([0]), Buffer.from(leaf, 'hex'));
const innerNode = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

function treeHash(nodes: Buffer[]): Buffer {
  if (nodes.length === 1) return nodes[0]!;
  const k = split(nodes.length);
  return innerNode(treeHash(nodes.slice(0, k)), treeHash(nodes.slice(k)));
}

/** The root of the tree over these leaves (hex digests), in order; at least one. */
export function merkleRoot(leaves: readonly string[]): string {
  if (!leaves.length) throw new Error('a Merkle tree needs at least one leaf');
  return treeHash(leaves.map(leafNode)).toString('hex');
}

/** The audit path of leaf `index`: the sibling subtrees' hashes from the leaf up to the root. */
export function inclusionProof(leaves: readonly string[], index: number): string[] {
  const path = (nodes: Buffer[], i: number): Buffer[] => {
    if (nodes.length === 1) return [];
    const k = split(nodes.length);
    return i < k
      ? [...path(nodes.slice(0, k), i), treeHash(nodes.slice(k))]
      : [...path(nodes.slice(k), i - k), treeHash(nodes.slice(0, k))];
  };
  return path(leaves.map(leafNode), index).map((h) => h.toString('hex'));
}

/** Whether `proof` shows leaf `index` of a tree of `size` leaves under `root` (RFC 9162 §2.1.3.2). */
export function verifyInclusion(leaf: string, index: number, size: number, proof: readonly string[], root: string): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafNode(leaf);
  for (const p of proof) {
    const sibling = Buffer.from(p, 'hex');
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = innerNode(sibling, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = innerNode(r, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.toString('hex') === root;
}
