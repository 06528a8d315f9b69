namespace TinyKv.Storage.Engine;

public sealed partial class MemoryEngine
{
    /// <summary>
    /// One column family at one moment: a persistent AVL tree of keys and values in key order.
    /// A published tree never changes; an <see cref="Editor"/> makes the next one, copying each
    /// node it touches once and sharing every other node with the old tree, so a snapshot is the
    /// tree of its moment and costs nothing to take.
    /// </summary>
    /// <remarks>
    /// Get and Seek are O(log n); an iterator keeps the path to its entry, so Next is O(1)
    /// amortized; a batch of m writes is O(m log n) and copies each touched node once (the
    /// nodes the batch made it changes in place, as ImmutableSortedSet's builder does).
    /// </remarks>
    private sealed class Tree
    {
        public static Tree Empty { get; } = new(null);

        private Tree(Node? root) => Root = root;

        public Node? Root { get; }

        /// <summary>The value of <paramref name="key"/> (not a copy), or null.</summary>
        public byte[]? Find(ReadOnlySpan<byte> key)
        {
            var node = Root;
            while (node is not null)
            {
                var order = ByteComparer.Compare(key, node.Key);
                if (order == 0)
                {
                    return node.Value;
                }

                node = order < 0 ? node.Left : node.Right;
            }

            return null;
        }

        /// <summary>Starts the next version of this tree.</summary>
        public Editor Edit() => new(Root);

        /// <summary>One node; changed only by the editor that made it, before it publishes its tree.</summary>
        public sealed class Node(byte[] key, byte[] value, Node? left, Node? right, int height, object owner)
        {
            public byte[] Key { get; set; } = key;

            public byte[] Value { get; set; } = value;

            public Node? Left { get; set; } = left;

            public Node? Right { get; set; } = right;

            public int Height { get; set; } = height;

            public object Owner { get; } = owner;
        }

        /// <summary>Builds the next version: puts and deletes in order, then <see cref="ToTree"/>.</summary>
        public sealed class Editor(Node? root)
        {
            // Nodes made by this editor carry this token and may be changed in place; every other
            // node belongs to a published tree and is copied first.
            private object _owner = new();
            private Node? _root = root;

            /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> (the arrays are kept, not copied).</summary>
            public void Put(byte[] key, byte[] value) => _root = Put(_root, key, value);

            /// <summary>Removes <paramref name="key"/>; nothing happens when it is absent.</summary>
            public void Delete(ReadOnlySpan<byte> key) => _root = Delete(_root, key);

            /// <summary>The tree built so far; later edits through this editor start a newer one.</summary>
            public Tree ToTree()
            {
                _owner = new object();
                return new Tree(_root);
            }

            private Node Put(Node? node, byte[] key, byte[] value)
            {
                if (node is null)
                {
                    return new Node(key, value, null, null, 1, _owner);
                }

                var order = ByteComparer.Compare(key, node.Key);
                var mutable = Own(node);
                if (order == 0)
                {
                    mutable.Key = key;
                    mutable.Value = value;
                    return mutable;
                }

                if (order < 0)
                {
                    mutable.Left = Put(mutable.Left, key, value);
                }
                else
                {
                    mutable.Right = Put(mutable.Right, key, value);
                }

                return Balance(mutable);
            }

            private Node? Delete(Node? node, ReadOnlySpan<byte> key)
            {
                if (node is null)
                {
                    return null;
                }

                var order = ByteComparer.Compare(key, node.Key);
                if (order < 0)
                {
                    var left = Delete(node.Left, key);
                    if (ReferenceEquals(left, node.Left))
                    {
                        return node; // Absent: nothing copied.
                    }

                    var mutable = Own(node);
                    mutable.Left = left;
                    return Balance(mutable);
                }

                if (order > 0)
                {
                    var right = Delete(node.Right, key);
                    if (ReferenceEquals(right, node.Right))
                    {
                        return node;
                    }

                    var mutable = Own(node);
                    mutable.Right = right;
                    return Balance(mutable);
                }

                if (node.Left is null)
                {
                    return node.Right;
                }

                if (node.Right is null)
                {
                    return node.Left;
                }

                // Two children: the smallest entry on the right takes this node's place.
                var successor = node.Right;
                while (successor.Left is not null)
                {
                    successor = successor.Left;
                }

                var replaced = Own(node);
                replaced.Key = successor.Key;
                replaced.Value = successor.Value;
                replaced.Right = DeleteMin(replaced.Right!);
                return Balance(replaced);
            }

            private Node? DeleteMin(Node node)
            {
                if (node.Left is null)
                {
                    return node.Right;
                }

                var mutable = Own(node);
                mutable.Left = DeleteMin(mutable.Left!);
                return Balance(mutable);
            }

            private Node Own(Node node) =>
                ReferenceEquals(node.Owner, _owner) ? node : new Node(node.Key, node.Value, node.Left, node.Right, node.Height, _owner);

            private static int HeightOf(Node? node) => node?.Height ?? 0;

            private static void UpdateHeight(Node node) => node.Height = 1 + Math.Max(HeightOf(node.Left), HeightOf(node.Right));

            // `node` is owned by this editor; its children may not be.
            private Node Balance(Node node)
            {
                UpdateHeight(node);
                var balance = HeightOf(node.Left) - HeightOf(node.Right);
                if (balance > 1)
                {
                    if (HeightOf(node.Left!.Left) < HeightOf(node.Left.Right))
                    {
                        node.Left = RotateLeft(Own(node.Left));
                    }

                    return RotateRight(node);
                }

                if (balance < -1)
                {
                    if (HeightOf(node.Right!.Right) < HeightOf(node.Right.Left))
                    {
                        node.Right = RotateRight(Own(node.Right));
                    }

                    return RotateLeft(node);
                }

                return node;
            }

            private Node RotateRight(Node node)
            {
                var left = Own(node.Left!);
                node.Left = left.Right;
                left.Right = node;
                UpdateHeight(node);
                UpdateHeight(left);
                return left;
            }

            private Node RotateLeft(Node node)
            {
                var right = Own(node.Right!);
                node.Right = right.Left;
                right.Left = node;
                UpdateHeight(node);
                UpdateHeight(right);
                return right;
            }
        }
    }
}
