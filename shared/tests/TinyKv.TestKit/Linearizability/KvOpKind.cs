namespace TinyKv.TestKit.Linearizability;

/// <summary>What a client asked the key-value service to do.</summary>
public enum KvOpKind
{
    /// <summary>Read the key's value (absent when the key is not found).</summary>
    Get,

    /// <summary>Set the key's value.</summary>
    Put,

    /// <summary>Concatenate onto the key's value (an absent key counts as the empty string).</summary>
    Append,

    /// <summary>Remove the key.</summary>
    Delete,
}
