namespace TinyKv.Grader.Submissions;

/// <summary>A submission laid out as a folder of files, whatever it arrived as.</summary>
/// <param name="Root">The workbook's root folder: the submitted files sit at their repository-relative paths under it.</param>
/// <param name="Description">What was graded, for the report: "folder …", "zip …", "git repository … at abc1234".</param>
public sealed record OpenedSubmission(string Root, string Description);
