using BotBottle.Core.Backends;

namespace BotBottle.Core.Tests.Backends;

public sealed class WorkspaceSourceTests
{
    [Theory]
    [InlineData("https://x-access-token:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/owner/repo.git", "https://***@github.com/owner/repo.git")]
    [InlineData("https://oauth2:glpat-xYz_123@gitlab.example.com:8443/group/project.git", "https://***@gitlab.example.com:8443/group/project.git")]
    [InlineData("http://alice:s3cret@git.internal/repo", "http://***@git.internal/repo")]
    [InlineData("https://ghp_tokenAsUserName@github.com/owner/repo", "https://***@github.com/owner/repo")]
    [InlineData("https://user:tok{en@host/r", "https://***@host/r")]
    [InlineData("https://user:t%6Fk@host/r", "https://***@host/r")]
    public void Credentials_in_the_url_are_hidden(string repository, string redacted)
    {
        var clone = new WorkspaceSource.GitClone(repository, "main");

        Assert.Equal(redacted, clone.RedactedRepository);
    }

    [Theory]
    [InlineData("https://github.com/owner/repo.git")]
    [InlineData("http://git.internal:3000/owner/repo")]
    [InlineData("/srv/git/project.git")]
    [InlineData("../sibling/repo")]
    [InlineData("git@github.com:owner/repo.git")]
    [InlineData("file:///srv/git/project.git")]
    public void Urls_and_paths_without_credentials_are_unchanged(string repository)
    {
        Assert.Equal(repository, new WorkspaceSource.GitClone(repository, null).RedactedRepository);
    }

    [Fact]
    public void Git_clone_factory_keeps_repository_and_reference()
    {
        var source = WorkspaceSource.GitCloneOf("https://github.com/owner/repo.git", "v1.2.3");

        var clone = Assert.IsType<WorkspaceSource.GitClone>(source);
        Assert.Equal("https://github.com/owner/repo.git", clone.Repository);
        Assert.Equal("v1.2.3", clone.Reference);
        Assert.Null(((WorkspaceSource.GitClone)WorkspaceSource.GitCloneOf("/srv/git/p")).Reference);
    }

    [Fact]
    public void Other_sources_are_their_own_kinds()
    {
        Assert.IsType<WorkspaceSource.EmptyWorkspace>(WorkspaceSource.Empty);
        Assert.Same(WorkspaceSource.Empty, WorkspaceSource.Empty);
        Assert.Equal("/home/op/project", Assert.IsType<WorkspaceSource.CopiedDirectory>(WorkspaceSource.CopyOf("/home/op/project")).Directory);
    }

    [Fact]
    public void Printing_a_clone_source_never_shows_its_credentials()
    {
        var source = WorkspaceSource.GitCloneOf("https://bot:secret-token@git.example/o/r.git", "main");

        Assert.DoesNotContain("secret-token", source.ToString(), StringComparison.Ordinal);
        Assert.Contains("https://***@git.example/o/r.git", source.ToString(), StringComparison.Ordinal);
    }
}
