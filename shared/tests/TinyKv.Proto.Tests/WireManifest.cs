using System.Text;
using Google.Protobuf.Reflection;
using TinyKv.Proto.Eraftpb;
using TinyKv.Proto.Errorpb;
using TinyKv.Proto.Kvrpcpb;
using TinyKv.Proto.Metapb;
using TinyKv.Proto.RaftCmdpb;
using TinyKv.Proto.RaftServerpb;
using TinyKv.Proto.Schedulerpb;
using TinyKv.Proto.Tinykvpb;

namespace TinyKv.Proto.Tests;

/// <summary>
/// Renders everything about the TinyKV protocol that decides what goes on the wire — packages,
/// messages with their field names, numbers, types and labels, enum values, services and their
/// rpcs — as plain text, one fact per line. Comments, C# names and declaration details that do
/// not reach the wire are left out, so the text changes exactly when compatibility could break.
/// </summary>
internal static class WireManifest
{
    /// <summary>Every file of the protocol, in a fixed order (sorted by file name).</summary>
    public static IReadOnlyList<FileDescriptor> Files { get; } =
        new[]
        {
            EraftpbReflection.Descriptor,
            ErrorpbReflection.Descriptor,
            KvrpcpbReflection.Descriptor,
            MetapbReflection.Descriptor,
            RaftCmdpbReflection.Descriptor,
            RaftServerpbReflection.Descriptor,
            SchedulerpbReflection.Descriptor,
            TinykvpbReflection.Descriptor,
        }
        .OrderBy(file => file.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Builds the manifest text for <see cref="Files"/>.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        foreach (var file in Files)
        {
            AppendFile(text, file);
        }

        return text.ToString();
    }

    private static void AppendFile(StringBuilder text, FileDescriptor file)
    {
        text.Append("file ").Append(file.Name).Append(" package ").Append(file.Package).Append('\n');
        foreach (var dependency in file.Dependencies.Select(d => d.Name).Order(StringComparer.Ordinal))
        {
            text.Append("  import ").Append(dependency).Append('\n');
        }

        foreach (var message in file.MessageTypes)
        {
            AppendMessage(text, message);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AppendEnum(text, enumType);
        }

        foreach (var service in file.Services)
        {
            AppendService(text, service);
        }
    }

    private static void AppendMessage(StringBuilder text, MessageDescriptor message)
    {
        text.Append("  message ").Append(message.FullName).Append('\n');
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            text.Append("    ").Append(field.Name).Append(" = ").Append(field.FieldNumber)
                .Append(" : ").Append(TypeOf(field)).Append(' ').Append(LabelOf(field)).Append('\n');
        }

        foreach (var nestedEnum in message.EnumTypes)
        {
            AppendEnum(text, nestedEnum);
        }

        foreach (var nested in message.NestedTypes)
        {
            AppendMessage(text, nested);
        }
    }

    private static void AppendEnum(StringBuilder text, EnumDescriptor enumType)
    {
        text.Append("  enum ").Append(enumType.FullName).Append('\n');
        foreach (var value in enumType.Values)
        {
            text.Append("    ").Append(value.Name).Append(" = ").Append(value.Number).Append('\n');
        }
    }

    private static void AppendService(StringBuilder text, ServiceDescriptor service)
    {
        text.Append("  service ").Append(service.FullName).Append('\n');
        foreach (var method in service.Methods)
        {
            text.Append("    rpc ").Append(method.Name)
                .Append('(').Append(method.IsClientStreaming ? "stream " : string.Empty).Append(method.InputType.FullName)
                .Append(") returns (").Append(method.IsServerStreaming ? "stream " : string.Empty).Append(method.OutputType.FullName)
                .Append(")\n");
        }
    }

    /// <summary>The protobuf type as written in a .proto file, with the full name for messages and enums.</summary>
    private static string TypeOf(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => field.MessageType.FullName,
        FieldType.Enum => "enum " + field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    private static string LabelOf(FieldDescriptor field) => field switch
    {
        { IsMap: true } => "map",
        // Only numeric and enum fields can be packed; the descriptor reports the flag for others too.
        { IsRepeated: true, IsPacked: true, FieldType: not (FieldType.Message or FieldType.Group or FieldType.String or FieldType.Bytes) } => "repeated packed",
        { IsRepeated: true } => "repeated",
        { HasPresence: true, RealContainingOneof: not null } => "oneof " + field.RealContainingOneof.Name,
        { HasPresence: true, FieldType: not FieldType.Message } => "optional",
        _ => "singular",
    };
}
