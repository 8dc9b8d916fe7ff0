using System.Reflection;
using System.Text.RegularExpressions;
using Annotator.Events.RabbitMq;
using Annotator.Processing;
using Annotator.Server.Access;
using Annotator.Server.Web;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Annotator.IntegrationTests.Deployment;

/// <summary>
/// deploy/ (Dockerfile, compose, systemd, Kubernetes) cannot run here: these tests parse the files and check them
/// against the server (its options classes, roles, health endpoints, RabbitMQ topology) and against the tested
/// cluster (scripts/cluster, deploy/nginx), so a misspelt setting, a moved port or a renamed queue fails here.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Deploy = Path.Combine(Root, "deploy");

    [Fact]
    public void Every_yaml_file_parses()
    {
        var files = Directory.GetFiles(Deploy, "*.yaml", SearchOption.AllDirectories);
        Assert.True(files.Length >= 6, string.Join(", ", files));
        foreach (var file in files) Assert.NotEmpty(Documents(file));
    }

    [Fact]
    public void Every_Annotator_setting_named_exists_in_the_server()
    {
        var known = KnownSettings();
        foreach (var (source, names) in SettingsByFlavour())
        foreach (var name in names.Keys.Where(n => n.StartsWith("Annotator__", StringComparison.Ordinal)))
            Assert.True(known.Contains(name.Replace("__", ":")), $"{source}: {name} is no setting of the server");
    }

    [Fact]
    public void Every_flavour_sets_what_the_tested_cluster_sets_to_the_same_backends()
    {
        var cluster = File.ReadAllText(Path.Combine(Root, "scripts/cluster"));
        var names = ClusterSetting().Matches(cluster).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("Annotator__Catalog__Provider", names);
        foreach (var (source, settings) in SettingsByFlavour())
        {
            foreach (var name in names) Assert.True(settings.ContainsKey(name), $"{source} does not set {name}");
            Assert.Equal("mysql", settings["Annotator__Catalog__Provider"]);
            Assert.Equal("s3", settings["Annotator__Storage__Provider"]);
            Assert.Equal("rabbitmq", settings["Annotator__Events__Provider"]);
        }
    }

    [Fact]
    public void Dockerfile_builds_one_image_whose_command_chooses_the_role()
    {
        var docker = Dockerfile();
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", docker);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime$", docker);
        Assert.Contains("dotnet publish src/Annotator.Server/Annotator.Server.csproj", docker);
        Assert.Matches(@"(?m)^USER \$APP_UID$", docker);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Annotator.Server.dll\"]", docker);
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={ExposedPort()}", docker);
        var health = Regex.Match(docker, @"(?ms)^HEALTHCHECK .*?CMD (.*?)$").Groups[1].Value;
        Assert.Contains($"/dev/tcp/127.0.0.1/{ExposedPort()}", health);
        Assert.Contains("GET /healthz ", health);
    }

    [Fact]
    public void Compose_runs_the_cluster_shape_from_the_one_image()
    {
        var services = Map(Compose()["services"]);
        string[] Command(string s) => [.. List(Map(services[s])["command"]).Cast<string>()];
        var roles = services.Keys.Cast<string>().Where(s => Map(services[s]).GetValueOrDefault("image") is "annotator:latest").ToList();
        Assert.Equal(["web1", "web2", "web3", "worker1", "worker2", "migrate"], roles);
        foreach (var s in roles[..3]) Assert.Equal(["--role", "web"], Command(s));
        foreach (var s in roles[3..5]) Assert.Equal(["--role", "worker"], Command(s));
        Assert.Equal(["--migrate"], Command("migrate"));
        foreach (var s in roles[..5])
            Assert.Equal("service_completed_successfully", Map(Map(Map(services[s])["depends_on"])["migrate"])["condition"]);
        Assert.Equal("../../deploy/docker/Dockerfile", "../../" + Map(Map(services["web1"])["build"])["dockerfile"]);
        foreach (var role in RoleValues().Except(["all"])) Assert.Contains(roles, s => Command(s).Contains(role));

        // Secrets as files: every *_FILE / *PasswordFile setting names a mounted secret.
        var env = Environment(Map(services["web1"]));
        var secrets = List(Map(services["web1"])["secrets"]).Cast<string>().ToHashSet();
        foreach (var (name, value) in env.Where(e => e.Key.EndsWith("_FILE") || e.Key.EndsWith("PasswordFile")))
            Assert.Contains(value.Replace("/run/secrets/", ""), secrets);
    }

    [Fact]
    public void Compose_nginx_serves_the_repository_site_over_the_web_nodes()
    {
        var nginx = Map(Map(Compose()["services"])["nginx"]);
        var volumes = List(nginx["volumes"]).Cast<string>().Select(v => v.Split(':')).ToList();
        var site = Assert.Single(volumes, v => v[1] == "/etc/annotator/annotator.conf");
        Assert.Equal(Path.Combine(Deploy, "nginx", "annotator.conf"), Path.GetFullPath(Path.Combine(Deploy, "compose", site[0])));
        var script = Assert.Single(volumes, v => v[1].StartsWith("/docker-entrypoint.d/"));
        var render = File.ReadAllText(Path.GetFullPath(Path.Combine(Deploy, "compose", script[0])));
        var conf = File.ReadAllText(Path.Combine(Deploy, "nginx", "annotator.conf"));
        foreach (var placeholder in new[] { "@LISTEN@", "@UPSTREAM_SERVERS@" })
        {
            Assert.Contains(placeholder, conf);
            Assert.Contains(placeholder, render);
        }
        Assert.Contains("/etc/annotator/annotator.conf", render);
        var upstreams = ((string)Map(nginx["environment"])["ANNOTATOR_WEB_NODES"]).Split(' ');
        Assert.Equal(["web1", "web2", "web3"], upstreams.Select(u => u.Split(':')[0]));
        Assert.All(upstreams, u => Assert.Equal(ExposedPort(), u.Split(':')[1]));
    }

    [Fact]
    public void Kubernetes_nodes_probe_readyz_and_healthz_on_the_image_port()
    {
        var port = int.Parse(ExposedPort());
        var allowedHosts = ((string)Map(ConfigMap()["data"])["AllowedHosts"]).Split(';');
        foreach (var (role, replicas) in new[] { ("web", "3"), ("worker", "2") })
        {
            var deployment = Kind("Deployment", $"annotator-{role}");
            Assert.Equal(replicas, Map(deployment["spec"])["replicas"]);
            var container = Container(deployment);
            Assert.Equal(["--role", role], List(container["args"]).Cast<string>());
            Assert.Contains(role, RoleValues());
            Assert.Equal("annotator:latest", container["image"]);
            Assert.Equal(port.ToString(), Map(List(container["ports"]).Single())["containerPort"]);
            foreach (var (probe, path) in new[] { ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
            {
                var get = Map(Map(container[probe])["httpGet"]);
                Assert.Equal(path, get["path"]);
                Assert.Equal(port.ToString(), get["port"]);
                // Host filtering answers 400 to a Host outside AllowedHosts, a probe's default (the pod's address) too.
                var host = (string)Map(List(get["httpHeaders"]).Single())["value"];
                Assert.Contains(host, allowedHosts);
            }
            Assert.True(Map(container["resources"]).ContainsKey("requests"));
        }
        var service = Map(Map(Kind("Service", "annotator-web")["spec"]));
        Assert.Equal(port.ToString(), Map(List(service["ports"]).Single())["targetPort"]);
        Assert.Equal("web", Map(service["selector"])["app.kubernetes.io/component"]);

        var job = Container(Kind("Job", "annotator-migrate"));
        Assert.Equal(["--migrate"], List(job["args"]).Cast<string>());
    }

    [Fact]
    public void Web_scales_1_to_3_on_cpu()
    {
        var hpa = Kind("HorizontalPodAutoscaler", "annotator-web");
        Assert.Equal("autoscaling/v2", hpa["apiVersion"]);
        var spec = Map(hpa["spec"]);
        Assert.Equal("annotator-web", Map(spec["scaleTargetRef"])["name"]);
        Assert.Equal(("1", "3"), ((string)spec["minReplicas"], (string)spec["maxReplicas"]));
        var metric = Map(List(spec["metrics"]).Single());
        Assert.Equal(("Resource", "cpu"), ((string)metric["type"], (string)Map(metric["resource"])["name"]));
    }

    [Fact]
    public void Workers_scale_on_the_queues_the_topology_declares_for_the_functions()
    {
        var scaled = Map(Kind("ScaledObject", "annotator-worker")["spec"]);
        Assert.Equal("annotator-worker", Map(scaled["scaleTargetRef"])["name"]);
        var queues = List(scaled["triggers"]).Select(Map).Select(t =>
        {
            Assert.Equal("rabbitmq", t["type"]);
            Assert.Equal("QueueLength", Map(t["metadata"])["mode"]);
            return (string)Map(t["metadata"])["queueName"];
        }).Order().ToList();
        // The functions' real names, and the queue names from the topology with the ConfigMap's prefix.
        string[] functions = [((IObjectCreatedHandler)Uninitialized<CreateThumbnail>()).Name, ((IObjectCreatedHandler)Uninitialized<CreateAnnotation>()).Name];
        var prefix = (string)Map(ConfigMap()["data"]).GetValueOrDefault("Annotator__Events__RabbitMq__Prefix", new RabbitMqOptions().Prefix);
        var topology = new RabbitMqTopology(prefix, functions, [TimeSpan.FromSeconds(1)], 10);
        Assert.Equal(functions.Select(topology.Queue).Order(), queues);
        Assert.All(queues, q => Assert.Contains(q, topology.Queues));
    }

    [Fact]
    public void Systemd_units_run_the_roles_gracefully_and_hardened()
    {
        foreach (var role in new[] { "web", "worker" })
        {
            var unit = Unit($"annotator-{role}@.service");
            Assert.Contains(role, RoleValues());
            Assert.Matches($@"^/usr/bin/dotnet /opt/annotator/Annotator\.Server\.dll --role {role} --urls http://127\.0\.0\.1:%i$", unit["ExecStart"].Single());
            Assert.Equal(["/etc/annotator/annotator.env"], unit["EnvironmentFile"]);
            Assert.Equal(["strict"], unit["ProtectSystem"]);
            Assert.Equal(["yes"], unit["NoNewPrivileges"]);
            Assert.Equal(["SIGTERM"], unit["KillSignal"]);
            Assert.Single(unit["TimeoutStopSec"]);
            // The writable folder is the data folder the unit gives the server.
            var data = unit["Environment"].Single(e => e.StartsWith("Annotator__DataDirectory=")).Split('=')[1];
            Assert.Equal([data], unit["ReadWritePaths"]);
            // Every secret file setting names a credential the unit loads.
            var credentials = unit["LoadCredential"].Select(c => c.Split(':')[0]).ToHashSet();
            foreach (var file in unit["Environment"].Select(e => e.Split('=', 2)).Where(e => e[0].EndsWith("_FILE") || e[0].EndsWith("PasswordFile")))
                Assert.Contains(file[1].Replace("%d/", ""), credentials);
        }
    }

    // --- the files

    private static IEnumerable<(string Source, Dictionary<string, string> Settings)> SettingsByFlavour()
    {
        var image = DockerEnv();
        var compose = Map(Compose()["services"]);
        foreach (var name in compose.Keys.Cast<string>().Where(s => Map(compose[s]).GetValueOrDefault("image") is "annotator:latest"))
            yield return ($"compose {name}", Merge(image, Environment(Map(compose[name]))));

        var k8s = Merge(image, Map(ConfigMap()["data"]).ToDictionary(e => (string)e.Key, e => (string)e.Value));
        foreach (var (kind, name) in new[] { ("Deployment", "annotator-web"), ("Deployment", "annotator-worker"), ("Job", "annotator-migrate") })
        {
            var env = Container(Kind(kind, name)).TryGetValue("env", out var e) ? List(e).Select(Map).ToDictionary(v => (string)v["name"], v => v.TryGetValue("value", out var x) ? (string)x : "(secret)") : [];
            yield return ($"kubernetes {name}", Merge(k8s, env));
        }

        var envFile = KeyValues(File.ReadLines(Path.Combine(Deploy, "systemd", "annotator.env")));
        foreach (var unit in new[] { "annotator-web@.service", "annotator-worker@.service" })
            yield return ($"systemd {unit}", Merge(envFile, KeyValues(Unit(unit)["Environment"])));
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> a, Dictionary<string, string> b)
    {
        var merged = new Dictionary<string, string>(a);
        foreach (var (k, v) in b) merged[k] = v;
        return merged;
    }

    private static Dictionary<string, string> KeyValues(IEnumerable<string> lines) => lines
        .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        Map(service["environment"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);

    private static string Dockerfile() => File.ReadAllText(Path.Combine(Deploy, "docker", "Dockerfile"));

    private static string ExposedPort() => Regex.Match(Dockerfile(), @"(?m)^EXPOSE (\d+)$").Groups[1].Value is { Length: > 0 } p ? p : throw new Xunit.Sdk.XunitException("no EXPOSE");

    /// <summary>The ENV instruction's settings (one instruction, continued lines).</summary>
    private static Dictionary<string, string> DockerEnv() =>
        Regex.Matches(Regex.Match(Dockerfile(), @"(?ms)^ENV (.*?[^\\])$").Groups[1].Value, @"([A-Za-z_]+)=(\S+)")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static Dictionary<object, object> Compose() => Map(Documents(Path.Combine(Deploy, "compose", "compose.yaml")).Single());

    private static Dictionary<object, object> ConfigMap() => Kind("ConfigMap", "annotator");

    private static Dictionary<object, object> Kind(string kind, string name) =>
        Assert.Single(Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").SelectMany(Documents).Select(Map),
            d => d.GetValueOrDefault("kind") as string == kind && Map(d["metadata"])["name"] as string == name);

    private static Dictionary<object, object> Container(Dictionary<object, object> workload) =>
        Map(List(Map(Map(Map(workload["spec"])["template"])["spec"])["containers"]).Single());

    /// <summary>A unit's settings: each key with its values in order.</summary>
    private static ILookup<string, string> Unit(string name) =>
        File.ReadLines(Path.Combine(Deploy, "systemd", name)).Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('['))
            .Select(l => l.Split('=', 2)).ToLookup(p => p[0], p => p[1]);

    private static List<object> Documents(string file)
    {
        using var reader = File.OpenText(file);
        var parser = new MergingParser(new Parser(reader)); // compose's "<<: *node"
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<DocumentStart>(out _)) documents.Add(deserializer.Deserialize<object>(parser) ?? throw new Xunit.Sdk.XunitException($"{file}: empty document"));
        return documents;
    }

    private static Dictionary<object, object> Map(object o) => Assert.IsType<Dictionary<object, object>>(o);

    private static List<object> List(object o) => Assert.IsType<List<object>>(o);

    // --- the server

    /// <summary>
    /// The server's settings: every options class's <c>Section</c> with each of its settable properties (what the
    /// binder reads), the settings read by name (<c>const string Setting</c>), and the two secrets also read from a
    /// file by <c>SecretFile.Read</c> (AccessSetup, SingleSignOn).
    /// </summary>
    private static HashSet<string> KnownSettings()
    {
        Assembly[] assemblies = [typeof(AnnotatorOptions).Assembly, typeof(AuthOptions).Assembly, typeof(RabbitMqOptions).Assembly,
            typeof(Annotator.Storage.S3.S3StorageOptions).Assembly, typeof(Annotator.Catalog.MySql.MySqlCatalogOptions).Assembly];
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // as configuration keys are
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (Const(type, "Section") is { } section)
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
                    known.Add($"{section}:{property.Name}");
            if (Const(type, "Setting") is { } setting) known.Add(setting);
        }
        Assert.Contains(ForwardedProxies.Setting, known);
        foreach (var secret in new[] { $"{AuthOptions.Section}:AdminPassword", $"{OidcOptions.Section}:ClientSecret" })
        {
            Assert.Contains(secret, known);
            known.Add(secret + "_FILE");
        }
        return known;
    }

    private static string? Const(Type type, string name) =>
        type.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } f && f.FieldType == typeof(string) ? (string?)f.GetRawConstantValue() : null;

    /// <summary>Annotator:Role's allowed values, from its validation attribute.</summary>
    private static string[] RoleValues() =>
        [.. typeof(AnnotatorOptions).GetProperty(nameof(AnnotatorOptions.Role))!.GetCustomAttribute<System.ComponentModel.DataAnnotations.AllowedValuesAttribute>()!.Values.Cast<string>()];

    private static T Uninitialized<T>() => (T)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(T));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
        throw new InvalidOperationException("no Annotator.slnx above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(Annotator__[A-Za-z_]+)=")]
    private static partial Regex ClusterSetting();
}
