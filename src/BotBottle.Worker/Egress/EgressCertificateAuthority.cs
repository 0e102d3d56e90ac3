using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Worker.Bottles;
using Microsoft.Extensions.Options;

namespace BotBottle.Worker.Egress;

/// <summary>
/// The certificate authority the egress proxies sign their stand-in server certificates with when
/// TLS inspection is on: made once per installation and kept beside the state root (the key
/// readable by this user only). Bottles get the certificate, never the key; the key goes only into
/// the sidecars.
/// </summary>
public sealed class EgressCertificateAuthority(IOptions<EgressOptions> options, IOptions<BottleOptions> bottles)
{
    private const string CertificateFile = "ca.crt";
    private const string KeyFile = "ca.key";
    private readonly Lock _gate = new();
    private (string Certificate, string Key)? _loaded;

    public string Directory => options.Value.CaDirectory is { Length: > 0 } configured
        ? configured
        : Path.Combine(bottles.Value.StateRoot, ".egress-ca");

    /// <summary>The CA certificate and private key as PEM, created on first use.</summary>
    public (string Certificate, string Key) Get()
    {
        lock (_gate)
        {
            return _loaded ??= LoadOrCreate();
        }
    }

    private (string Certificate, string Key) LoadOrCreate()
    {
        var certificatePath = Path.Combine(Directory, CertificateFile);
        var keyPath = Path.Combine(Directory, KeyFile);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return (File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
        }

        System.IO.Directory.CreateDirectory(Directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=BotBottle egress inspection CA ({Environment.MachineName})", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var pem = (certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
        WritePrivate(keyPath, pem.Item2);
        File.WriteAllText(certificatePath, pem.Item1);
        return pem;
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        using var writer = new StreamWriter(file);
        writer.Write(content);
    }
}
