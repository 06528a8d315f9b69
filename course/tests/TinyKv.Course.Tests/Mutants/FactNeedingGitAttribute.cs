using TinyKv.Course.Mutants;
using Xunit;

namespace TinyKv.Course.Tests.Mutants;

/// <summary>A fact that is skipped, saying why, on a machine without git: mutants are planted with <c>git apply</c>.</summary>
internal sealed class FactNeedingGitAttribute : FactAttribute
{
    private static readonly Lazy<bool> s_gitInstalled = new(GitApply.IsInstalled);

    public FactNeedingGitAttribute()
    {
        if (!s_gitInstalled.Value)
        {
            Skip = "git is not installed, and mutant patches are checked and planted with 'git apply'";
        }
    }
}
