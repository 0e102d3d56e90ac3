using BotBottle.Core.Backends;
using BotBottle.Core.Manifest;
using BotBottle.Core.Tests.TestSupport;

namespace BotBottle.Core.Tests.Manifest;

public sealed class ManifestLoaderTests
{
    private const string Source = "agents.yaml";

    private const string FullAgent = """
        agents:
          implementer:
            image: botbottle/claude-agent:latest
            harness: claude
            prompt: "Implement the task you are given."
            egress:
              - api.anthropic.com
              - "*.github.com:443"
            env:
              GIT_AUTHOR_NAME: botbottle
            limits: { memory: 2g, cpus: 1.5, pids: 256 }
            model: { provider: anthropic, name: claude-sonnet-4 }
        """;

    private static AgentManifest Parse(string yaml) => ManifestLoader.Parse(yaml, Source);

    private static ManifestException Rejects(string yaml) => Assert.Throws<ManifestException>(() => Parse(yaml));

    /// <summary>Agent "a" (image and harness only) with <paramref name="line"/> added to its entry.</summary>
    private static AgentDefinition AgentWith(string line) => Parse($$"""
        agents:
          a:
            image: img
            harness: claude
            {{line}}
        """).GetAgent("a");

    [Fact]
    public void Full_agent_declaration_is_read_into_every_field()
    {
        var agent = Parse(FullAgent).GetAgent("implementer");

        Assert.Equal("implementer", agent.Key);
        Assert.Equal("botbottle/claude-agent:latest", agent.Image);
        Assert.Equal(Harness.Claude, agent.Harness);
        Assert.Equal("Implement the task you are given.", agent.Prompt);
        Assert.Equal(["api.anthropic.com", "*.github.com:443"], agent.Egress.Select(e => e.ToString()));
        Assert.Equal(443, agent.Egress[1].Port);
        Assert.True(agent.Egress[1].IsWildcard);
        Assert.Equal("botbottle", agent.Environment["GIT_AUTHOR_NAME"]);
        Assert.Equal(new ResourceLimits(2L * 1024 * 1024 * 1024, 1.5, 256), agent.Limits);
        Assert.Equal(new ModelSpec(ModelProvider.Anthropic, "claude-sonnet-4"), agent.Model);
    }

    [Fact]
    public void Optional_fields_default_to_empty_and_unset()
    {
        var agent = Parse("""
            agents:
              bare:
                image: img
                harness: codex
            """).GetAgent("bare");

        Assert.Equal("", agent.Prompt);
        Assert.Empty(agent.Egress);
        Assert.Empty(agent.Environment);
        Assert.Equal(ResourceLimits.None, agent.Limits);
        Assert.Null(agent.Model);
    }

    [Fact]
    public void Agents_keep_the_order_they_are_declared_in()
    {
        var manifest = Parse("""
            agents:
              zeta: { image: a, harness: claude }
              alpha: { image: b, harness: codex }
              mid: { image: c, harness: opencode }
            """);

        Assert.Equal(["zeta", "alpha", "mid"], manifest.AgentKeys);
        Assert.Equal([Harness.Claude, Harness.Codex, Harness.OpenCode], manifest.Agents.Select(a => a.Harness));
    }

    [Fact]
    public void Model_without_a_name_leaves_the_choice_to_the_harness()
    {
        var agent = Parse("""
            agents:
              local:
                image: img
                harness: opencode
                model: { provider: ollama }
            """).GetAgent("local");

        Assert.Equal(new ModelSpec(ModelProvider.Ollama, null), agent.Model);
    }

    [Fact]
    public void Environment_values_that_look_like_numbers_or_booleans_are_kept_as_written()
    {
        var env = Parse("""
            agents:
              a:
                image: img
                harness: claude
                env:
                  RETRIES: 3
                  VERBOSE: true
                  EMPTY:
            """).GetAgent("a").Environment;

        Assert.Equal("3", env["RETRIES"]);
        Assert.Equal("true", env["VERBOSE"]);
        Assert.Equal("", env["EMPTY"]);
    }

    [Fact]
    public void Yaml_syntax_error_names_the_file_line_and_column()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
               harness: claude
            """);

        Assert.Equal(4, error.Line);
        Assert.True(error.Column > 0);
        Assert.StartsWith($"invalid manifest {Source}:4:", error.Message, StringComparison.Ordinal);
        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unquoted_wildcard_egress_entry_is_located_and_explained()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                egress:
                  - *.github.com
            """);

        Assert.Equal(6, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Contains("quote it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_agent_key_is_rejected_at_the_second_occurrence()
    {
        var error = Rejects("""
            agents:
              a: { image: one, harness: claude }
              a: { image: two, harness: claude }
            """);

        Assert.Equal(3, error.Line);
        Assert.Contains("Duplicate key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_harness_is_rejected_with_its_position_and_the_valid_choices()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: gemini
            """);

        Assert.Equal("agents.yaml:4:14: agents.a.harness: unknown harness 'gemini'; expected one of: claude, codex, opencode", error.Errors.Single().ToString());
        Assert.Contains("agents.yaml:4:14", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_image_is_rejected()
    {
        var error = Rejects("""
            agents:
              a:
                harness: claude
            """);

        Assert.Contains("agents.a: missing image", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData("image:")]
    [InlineData("image: ''")]
    [InlineData("image: ~")]
    public void Blank_image_counts_as_missing(string imageLine)
    {
        var error = Rejects($"""
            agents:
              a:
                harness: claude
                {imageLine}
            """);

        Assert.Contains("missing image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_harness_is_rejected()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
            """);

        Assert.Contains("agents.a: missing harness", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2x")]
    [InlineData("-1g")]
    [InlineData("0")]
    [InlineData("lots")]
    public void Bad_memory_size_is_rejected_with_its_position(string memory)
    {
        var error = Rejects($"""
            agents:
              a:
                image: img
                harness: claude
                limits:
                  memory: {memory}
            """);

        Assert.Equal(6, error.Line);
        Assert.Equal(15, error.Column);
        Assert.Contains($"agents.a.limits.memory: invalid memory size '{memory}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public void Non_positive_or_non_numeric_cpus_are_rejected(string cpus)
    {
        var error = Rejects($$"""
            agents:
              a: { image: img, harness: claude, limits: { cpus: {{cpus}} } }
            """);

        Assert.Contains($"invalid cpu count '{cpus}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-5")]
    public void Pids_must_be_a_positive_whole_number(string pids)
    {
        var error = Rejects($$"""
            agents:
              a: { image: img, harness: claude, limits: { pids: {{pids}} } }
            """);

        Assert.Contains($"invalid process limit '{pids}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_is_read_in_dollars_and_turns_and_no_budget_limits_nothing()
    {
        var manifest = Parse("""
            agents:
              capped: { image: img, harness: claude, budget: { perRunUsd: 0.50, perPrUsd: 5, perDayUsd: 20.25, maxTurns: 30 } }
              free: { image: img, harness: claude }
            """);

        Assert.Equal(new AgentBudget(0.50m, 5m, 20.25m, 30), manifest.GetAgent("capped").Budget);
        Assert.Equal(AgentBudget.None, manifest.GetAgent("free").Budget);
    }

    [Theory]
    [InlineData("perDayUsd: 0", "budget.perDayUsd: invalid amount '0'")]
    [InlineData("perRunUsd: -1", "budget.perRunUsd: invalid amount '-1'")]
    [InlineData("perPrUsd: lots", "budget.perPrUsd: invalid amount 'lots'")]
    [InlineData("maxTurns: 2.5", "budget.maxTurns: invalid turn count '2.5'")]
    [InlineData("perWeekUsd: 5", "perWeekUsd")]
    public void A_budget_that_is_not_one_is_rejected_with_the_entry(string entry, string message)
    {
        var error = Rejects($$"""
            agents:
              a: { image: img, harness: claude, budget: { {{entry}} } }
            """);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", BackendKind.Docker)]
    [InlineData("backend: docker", BackendKind.Docker)]
    [InlineData("backend: gvisor", BackendKind.Gvisor)]
    public void An_agent_runs_on_docker_unless_its_manifest_names_another_backend(string line, BackendKind expected)
    {
        var agent = AgentWith(line);

        Assert.Equal(expected, agent.Backend);
    }

    [Fact]
    public void An_unknown_backend_is_rejected_with_the_ones_there_are()
    {
        var error = Rejects("""
            agents:
              a: { image: img, harness: claude, backend: firecracker }
            """);

        Assert.Contains("agents.a.backend: unknown backend 'firecracker'; expected one of: docker, gvisor", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", new[] { 443 })]
    [InlineData("tlsPorts: [8443]", new[] { 443, 8443 })]
    [InlineData("tlsPorts: [443, 6443, 6443]", new[] { 443, 6443 })]
    public void Tunnels_go_to_443_and_the_listed_tls_ports(string line, int[] expected)
    {
        var agent = AgentWith(line);

        Assert.Equal(expected, agent.TlsPorts);
    }

    [Theory]
    [InlineData("[http]")]
    [InlineData("[0]")]
    [InlineData("[70000]")]
    public void A_tls_port_that_is_not_a_port_is_rejected(string ports)
    {
        var error = Rejects($$"""
            agents:
              a: { image: img, harness: claude, tlsPorts: {{ports}} }
            """);

        Assert.Contains("agents.a.tlsPorts:", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a port; ports are 1-65535", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_egress_entry_may_name_a_private_address_or_network()
    {
        var agent = Parse("""
            agents:
              a: { image: img, harness: claude, egress: [git.corp, 10.0.5.0/24, "192.168.1.10:3000"] }
            """).GetAgent("a");

        Assert.Equal(["10.0.5.0/24", "192.168.1.10:3000"], agent.Egress.Where(r => r.Network is not null).Select(r => r.ToString()));
    }

    [Fact]
    public void Bad_egress_entry_is_rejected_with_its_position()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                egress:
                  - api.anthropic.com
                  - https://github.com/foo
            """);

        Assert.Equal(7, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Contains("looks like a URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Egress_must_be_a_list()
    {
        var error = Rejects("""
            agents:
              a: { image: img, harness: claude, egress: api.anthropic.com }
            """);

        Assert.Contains("agents.a.egress: expected a list of hosts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_in_an_agent_is_rejected_and_valid_keys_are_listed()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                memory: 2g
            """);

        Assert.Equal(5, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Contains("unknown key 'memory' in agents.a; expected one of: image, harness, prompt, egress, tlsPorts, env, limits, model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_top_level_key_is_rejected()
    {
        var error = Rejects("""
            version: 2
            agents:
              a: { image: img, harness: claude }
            """);

        Assert.Contains("unknown key 'version' in the top level", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_in_limits_or_model_is_rejected()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                limits: { memory: 1g, swap: 2g }
                model: { provider: anthropic, model: claude-sonnet-4 }
            """);

        Assert.Equal(2, error.Errors.Count);
        Assert.Contains("unknown key 'swap' in agents.a.limits", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown key 'model' in agents.a.model; expected one of: provider, name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_model_provider_is_rejected()
    {
        var error = Rejects("""
            agents:
              a: { image: img, harness: claude, model: { provider: acme } }
            """);

        Assert.Contains("unknown model provider 'acme'; expected one of: anthropic, openai, ollama", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_without_provider_is_rejected()
    {
        var error = Rejects("""
            agents:
              a: { image: img, harness: claude, model: { name: gpt-5 } }
            """);

        Assert.Contains("agents.a.model: missing provider", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agents: {}")]
    [InlineData("agents:")]
    public void Empty_agents_is_rejected(string yaml)
    {
        var error = Rejects(yaml);

        Assert.Contains("'agents' is empty; declare at least one agent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_agents_mapping_is_rejected()
    {
        var error = Rejects("other: 1\n");

        Assert.Contains("missing top-level 'agents' mapping", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Empty_manifest_is_rejected_at_line_one(string yaml)
    {
        var error = Rejects(yaml);

        Assert.Equal(1, error.Line);
        Assert.Contains("manifest is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_level_that_is_not_a_mapping_is_rejected()
    {
        var error = Rejects("- a\n- b\n");

        Assert.Contains("expected a mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_yaml_document_is_rejected()
    {
        var error = Rejects("""
            agents:
              a: { image: img, harness: claude }
            ---
            agents:
              b: { image: img, harness: claude }
            """);

        Assert.Contains("more than one YAML document", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Implementer")]
    [InlineData("my agent")]
    [InlineData("agent.one")]
    [InlineData("x12345678901234567890123456789012345678901")]
    public void Invalid_agent_key_is_rejected_with_its_position(string key)
    {
        var error = Rejects($$"""
            agents:
              "{{key}}": { image: img, harness: claude }
            """);

        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Contains($"invalid agent key '{key}'; use 1-40 lowercase letters, digits, '-' or '_'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_key_of_exactly_40_allowed_characters_is_accepted()
    {
        var key = "a-b_" + new string('9', 36);

        var manifest = Parse($"agents:\n  {key}: {{ image: img, harness: claude }}\n");

        Assert.Equal(key, manifest.Agents.Single().Key);
    }

    [Fact]
    public void Invalid_environment_variable_name_is_rejected()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                env:
                  1BAD: x
            """);

        Assert.Contains("agents.a.env: invalid variable name '1BAD'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_value_that_is_a_list_is_rejected()
    {
        var error = Rejects("""
            agents:
              a:
                image: img
                harness: claude
                env:
                  PATHS: [a, b]
            """);

        Assert.Contains("agents.a.env.PATHS: expected a single value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_a_manifest_is_reported_at_once()
    {
        var error = Rejects("""
            agents:
              first:
                harness: gemini
                limits: { memory: huge }
              Second:
                image: img
                harness: claude
            """);

        Assert.Equal(4, error.Errors.Count);
        Assert.Equal([3, 3, 4, 5], error.Errors.Select(e => e.Line).Order());
        Assert.Contains("(4 problems)", error.Message, StringComparison.Ordinal);
        Assert.All(error.Errors, e => Assert.Equal(Source, e.SourceName));
    }

    [Fact]
    public void Load_file_uses_the_path_in_error_messages()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("broken.yaml");
        File.WriteAllText(path, "agents:\n  a: { harness: claude }\n");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path));

        Assert.Equal(path, error.SourceName);
        Assert.Contains($"{path}:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_file_reads_a_valid_manifest()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("agents.yaml");
        File.WriteAllText(path, FullAgent);

        var manifest = ManifestLoader.LoadFile(path);

        Assert.Equal(path, manifest.SourceName);
        Assert.Equal(["implementer"], manifest.AgentKeys);
    }

    [Fact]
    public void Missing_manifest_file_is_reported_as_a_manifest_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("nope.yaml");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.LoadFile(path));

        Assert.StartsWith($"invalid manifest {path}: cannot read manifest", error.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(error.InnerException);
    }

    [Fact]
    public void Asking_for_an_undeclared_agent_lists_the_declared_ones()
    {
        var manifest = Parse(FullAgent);

        var error = Assert.Throws<KeyNotFoundException>(() => manifest.GetAgent("reviewer"));

        Assert.Equal("agent 'reviewer' is not declared in agents.yaml; declared agents: implementer", error.Message);
        Assert.Null(manifest.Find("reviewer"));
    }

    [Fact]
    public void Sample_manifest_loads_with_one_agent_per_harness_and_one_on_ollama()
    {
        var manifest = ManifestLoader.LoadFile(RepositoryFiles.Find("manifests/agents.sample.yaml"));

        Assert.Equal(
            [Harness.Claude, Harness.Codex, Harness.OpenCode],
            manifest.Agents.Select(a => a.Harness).Order());
        var local = Assert.Single(manifest.Agents, a => a.Model?.Provider == ModelProvider.Ollama);
        Assert.Equal("qwen2.5-coder:7b", local.Model!.Name);
        Assert.All(manifest.Agents, a => Assert.NotEmpty(a.Egress));
    }
}
