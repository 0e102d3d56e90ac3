using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BotBottle.Testing;

/// <summary>A private CA and a server certificate it signed, as an internal service (or a model API behind one) would have.</summary>
public sealed record TestCertificates(string CaPem, string CertificatePem, string KeyPem)
{
    /// <summary>A new private CA and a certificate for <paramref name="host"/> signed by it.</summary>
    public static TestCertificates For(string host)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=BotBottle test upstream CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4]);
        return new(ca.ExportCertificatePem() + "\n", server.ExportCertificatePem() + "\n", serverKey.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>The server certificate with its key, as Kestrel takes it.</summary>
    public X509Certificate2 ServerCertificate()
    {
        using var pem = X509Certificate2.CreateFromPem(CertificatePem, KeyPem);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
