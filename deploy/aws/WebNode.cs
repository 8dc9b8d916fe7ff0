using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;

namespace Annotator.Aws;

/// <summary>
/// A web node's boot script: the server from its asset into /opt/annotator, a oneshot unit that fetches the database
/// password with the AWS CLI into a root-only file on tmpfs (/run, gone at power-off), and the server's unit, which
/// systemd hands that file as a credential (<c>LoadCredential</c>: readable by the service, not by its user
/// elsewhere) and whose <c>PasswordFile</c> setting reads it. No secret is in the template, the user data or an
/// environment variable: only the secret's ARN is. The server's output goes to <see cref="LogFile"/> (systemd opens it
/// as root, the service cannot rewrite it), which the CloudWatch agent ships with the boot log to the stack's log group
/// and logrotate keeps small; the journal keeps the unit's own lines (started, failed, restarted).
/// </summary>
public static class WebNode
{
    public const string LogFile = "/var/log/annotator/server.log";
    private const string AgentConfig = "/opt/aws/amazon-cloudwatch-agent/etc/annotator.json";

    public static string[] Commands(string archive, Database database, IBucket bucket, Workflow workflow, Vpc vpc, ILogGroup logs)
    {
        var region = Amazon.CDK.Aws.REGION;
        var settings = new (string Key, string Value)[]
        {
            ("Annotator__Role", "web"),
            ("Annotator__DataDirectory", "/var/lib/annotator"),
            ("Annotator__Catalog__Provider", "mysql"),
            ("Annotator__Catalog__ConnectionString",
                $"Server={database.Instance.DbInstanceEndpointAddress};Port={database.Instance.DbInstanceEndpointPort};Database={Database.Name};User ID={Database.User};SslMode=Required"),
            ("Annotator__Catalog__PasswordFile", "%d/db-password"),
            ("Annotator__Storage__Provider", "s3"),
            ("Annotator__Storage__S3__Bucket", bucket.BucketName),
            ("Annotator__Storage__S3__Region", region),
            ("Annotator__Events__Provider", "sqs"),
            ("Annotator__Events__Sqs__Region", region),
            ("Annotator__Events__Sqs__Queues__thumbnail", workflow.Thumbnail.Queue.QueueUrl),
            ("Annotator__Events__Sqs__Queues__caption", workflow.Annotation.Queue.QueueUrl),
            // Captions are CreateAnnotation's (Gemini, on Lambda); a web node names a captioner that needs no key, and a
            // re-caption that names no provider is left to the function's default.
            ("Annotator__Captions__Provider", "offline"),
            // The load balancer is the only way in (its security group), in the public subnets of this VPC.
            ("Annotator__Server__TrustedProxies", vpc.VpcCidrBlock),
            ("AllowedHosts", "*"),
            ("ASPNETCORE_URLS", $"http://0.0.0.0:{WebTier.AppPort}"),
            // One line per entry, so one CloudWatch event per entry (the default spreads an entry over two lines).
            ("Logging__Console__FormatterName", "simple"),
            ("Logging__Console__FormatterOptions__SingleLine", "true"),
            ("Logging__Console__FormatterOptions__ColorBehavior", "Disabled"),
        };
        // The agent's own schema: one stream per instance and file; the group exists (the stack made it, with its retention).
        var agent = System.Text.Json.JsonSerializer.Serialize(new
        {
            logs = new
            {
                logs_collected = new
                {
                    files = new
                    {
                        collect_list = new[]
                        {
                            new { file_path = LogFile, log_group_name = logs.LogGroupName, log_stream_name = "{instance_id}/server", timezone = "UTC" },
                            new { file_path = "/var/log/cloud-init-output.log", log_group_name = logs.LogGroupName, log_stream_name = "{instance_id}/boot", timezone = "UTC" },
                        },
                    },
                },
                force_flush_interval = 5,
            },
        });
        return
        [
            "set -euo pipefail",
            "command -v unzip >/dev/null || dnf install -y unzip",
            "useradd --system --home-dir /var/lib/annotator --create-home --shell /sbin/nologin annotator || true",
            "rm -rf /opt/annotator && mkdir -p /opt/annotator",
            "install -d -m 0750 /var/log/annotator",
            $"unzip -q {archive} -d /opt/annotator && chmod 0755 /opt/annotator/Annotator.Server",
            // The secret's JSON (username, password, host …) is parsed on the node; only the password is kept.
            "cat >/usr/local/sbin/annotator-secrets <<'SCRIPT'",
            "#!/bin/bash",
            "set -euo pipefail",
            "umask 077",
            "install -d -m 0700 /run/annotator-secrets",
            $"aws secretsmanager get-secret-value --region {region} --secret-id {database.Secret.SecretArn} --query SecretString --output text \\",
            "  | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)[\"password\"])' >/run/annotator-secrets/db-password.new",
            "mv /run/annotator-secrets/db-password.new /run/annotator-secrets/db-password",
            "SCRIPT",
            "chmod 0700 /usr/local/sbin/annotator-secrets",
            "cat >/etc/systemd/system/annotator-secrets.service <<'UNIT'",
            "[Unit]",
            "Description=Fetch Annotator's database password into /run (tmpfs)",
            "Wants=network-online.target",
            "After=network-online.target",
            "[Service]",
            "Type=oneshot",
            "ExecStart=/usr/local/sbin/annotator-secrets",
            "Restart=on-failure",
            "RestartSec=5",
            "UNIT",
            "cat >/etc/systemd/system/annotator.service <<'UNIT'",
            "[Unit]",
            "Description=Annotator web node",
            "Requires=annotator-secrets.service",
            "After=annotator-secrets.service",
            "[Service]",
            "User=annotator",
            "WorkingDirectory=/var/lib/annotator",
            "ExecStart=/opt/annotator/Annotator.Server",
            "LoadCredential=db-password:/run/annotator-secrets/db-password",
            $"StandardOutput=append:{LogFile}",
            "StandardError=inherit",
            .. settings.Select(s => $"Environment=\"{s.Key}={s.Value}\""),
            "Restart=always",
            "RestartSec=2",
            "NoNewPrivileges=true",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/annotator",
            "PrivateTmp=true",
            "[Install]",
            "WantedBy=multi-user.target",
            "UNIT",
            "systemctl daemon-reload",
            "systemctl enable --now annotator.service",
            // Last, so a node serves even while its log shipping is being set up.
            "dnf install -y amazon-cloudwatch-agent logrotate",
            "cat >/etc/logrotate.d/annotator <<'ROTATE'",
            $"{LogFile} {{",
            "  daily",
            "  maxsize 100M",
            "  rotate 3",
            "  compress",
            "  missingok",
            "  notifempty",
            // The service keeps its file open in append mode: truncating in place is safe, and the agent notices it.
            "  copytruncate",
            "}",
            "ROTATE",
            "systemctl enable --now logrotate.timer",
            $"cat >{AgentConfig} <<'AGENT'",
            agent,
            "AGENT",
            $"/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{AgentConfig}",
        ];
    }
}
