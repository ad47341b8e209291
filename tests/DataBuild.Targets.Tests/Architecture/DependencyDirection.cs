using System.Reflection.Emit;
using System.Reflection;

namespace DataBuild.Targets.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly use which: from every type's signatures (base type, interfaces, fields, properties,
/// methods) and the types, methods and fields its method bodies name. Compiler-made types (closures, async state
/// machines) count for the type that declares them.
/// </summary>
public static class DependencyDirection
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Each use of one namespace by another, with an example: (from, to) -> "FromType uses ToType".</summary>
    public static Dictionary<(string From, string To), string> Uses(Assembly assembly)
    {
        var uses = new Dictionary<(string, string), string>();
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null) continue;
            foreach (var used in Referenced(type))
            {
                if (used.Assembly != assembly || NamespaceOf(used) is not { } to || to == from) continue;
                uses.TryAdd((from, to), $"{Outermost(type).Name} uses {Outermost(used).Name}");
            }
        }
        return uses;
    }

    /// <summary>The uses that go up: a namespace using one listed after it in <paramref name="layers"/> (lowest first).</summary>
    public static List<string> UpwardUses(Assembly assembly, IReadOnlyList<string> layers)
    {
        var uses = Uses(assembly);
        var unknown = uses.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().Where(n => !layers.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Namespaces not placed in a layer: {string.Join(", ", unknown)}. Add each where it belongs.");
        return uses.Where(u => layers.IndexOf(u.Key.To) > layers.IndexOf(u.Key.From))
            .Select(u => $"{u.Key.From} -> {u.Key.To} ({u.Value})").Order(StringComparer.Ordinal).ToList();
    }

    private static int IndexOf(this IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == item) return i;
        return -1;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static string? NamespaceOf(Type type)
    {
        var outer = Outermost(type);
        return outer.Name.StartsWith('<') ? null : outer.Namespace;
    }

    private static IEnumerable<Type> Referenced(Type type)
    {
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericParameter) return;
            found.Add(t);
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
                foreach (var a in t.GetGenericArguments()) Add(a);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var f in type.GetFields(Everything)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Everything)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var member in BodyReferences(m))
                Add(member as Type ?? member.DeclaringType);
        }
        return found;
    }

    private static IEnumerable<MemberInfo> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { il = null; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var op = OpCodesByValue[value];
            var size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments); }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException) { }
                if (member is not null) yield return member;
            }
            i += size;
        }
    }
}
