using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.S3;

namespace Annotator.Aws;

/// <summary>
/// A web node's boot script: the server from its asset into /opt/annotator, a oneshot unit that fetches the database
/// password with the AWS CLI into a root-only file on tmpfs (/run, gone at power-off), and the server's unit, which
/// systemd hands that file as a credential (<c>LoadCredential</c>: readable by the service, not by its user
/// elsewhere) and whose <c>PasswordFile</c> setting reads it. No secret is in the template, the user data or an
/// environment variable: only the secret's ARN is.
/// </summary>
public static class WebNode
{
    public static string[] Commands(string archive, Database database, IBucket bucket, Workflow workflow, Vpc vpc)
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
        };
        return
        [
            "set -euo pipefail",
            "command -v unzip >/dev/null || dnf install -y unzip",
            "useradd --system --home-dir /var/lib/annotator --create-home --shell /sbin/nologin annotator || true",
            "rm -rf /opt/annotator && mkdir -p /opt/annotator",
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
        ];
    }
}
