using System.Text;

namespace TinyKv.Grader.Reports;

/// <summary>
/// A plain-text table: columns padded to their widest cell, two spaces apart, a rule under the
/// header and, when asked, a rule above the last row (a total).
/// </summary>
internal static class TextTable
{
    public static string Render(IReadOnlyList<string[]> rows, bool ruleAboveLastRow)
    {
        if (rows.Count == 0)
        {
            return "";
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var rule = string.Join("  ", widths.Select(w => new string('-', w)));
        var text = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var isTotal = ruleAboveLastRow && i == rows.Count - 1 && i > 1;
            if (i == 1 || isTotal)
            {
                text.Append(rule).Append('\n');
            }

            text.Append(string.Join("  ", rows[i].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
