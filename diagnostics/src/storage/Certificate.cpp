// Certificate canonical form, Ed25519 signing and verification (OpenSSL EVP), field diffs.
#include <reemploi/diagnostics/storage/Certificate.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Array.h>

#include <reemploi/common/Json.hpp>
#include <reemploi/common/File.hpp>

namespace reemploi::diagnostics::storage {

namespace fs = std::filesystem;

struct WorkshopKey::Impl {
    EVP_PKEY *key = nullptr;
    bool hasPrivate = false;
    ~Impl() { EVP_PKEY_free(key); }
};

WorkshopKey::WorkshopKey() = default;
WorkshopKey::~WorkshopKey() { delete _impl; }
WorkshopKey::WorkshopKey(WorkshopKey &&o) noexcept : _impl(o._impl) { o._impl = nullptr; }
WorkshopKey &WorkshopKey::operator=(WorkshopKey &&o) noexcept {
    if (this != &o) {
        delete _impl;
        _impl = o._impl;
        o._impl = nullptr;
    }
    return *this;
}

namespace {

std::string hex(const unsigned char *p, std::size_t n) {
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

}  // namespace

Result<WorkshopKey> WorkshopKey::fromPublicPem(std::string_view pem) {
    BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY *k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!k) return makeError(Errc::InvalidInput, "not a PEM public key");
    if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        return makeError(Errc::InvalidInput, "the public key is not an Ed25519 key");
    }
    WorkshopKey key;
    key._impl = new Impl{k, false};
    return key;
}

Result<WorkshopKey> WorkshopKey::load(const std::string &path) {
    if (path.empty())
        return makeError(Errc::NotFound, "no path for the workshop signing key: a database on a server has no folder to keep "
                                         "it in; set REEMPLOI_KEY (or workshop.key in the server's configuration)");
    if (!fs::exists(path)) return makeError(Errc::NotFound, path + ": no such key file");
    // A PEM key is a few hundred bytes.
    auto read = file::readRegularFile(path, 64'000);
    if (!read) return read.error().withContext("key file");
    const std::string &pem = *read;
    if (pem.find("PUBLIC KEY-----") != std::string::npos && pem.find("PRIVATE") == std::string::npos)
        return fromPublicPem(pem).context(path);
    // Whoever can read the private key can sign certificates in the workshop's name.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return makeError(Errc::Refused, path + ": the workshop's signing key is open to other users (mode " + mode +
                                            "): run chmod 600 " + path);
    }
    BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!k) return makeError(Errc::InvalidInput, path + ": not a PEM private key");
    if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        return makeError(Errc::InvalidInput, path + ": not an Ed25519 key");
    }
    WorkshopKey key;
    key._impl = new Impl{k, true};
    return key;
}

Result<WorkshopKey> WorkshopKey::loadOrCreate(const std::string &path) {
    if (fs::exists(path)) return load(path);
    std::error_code ec;
    fs::path dir = fs::path(path).parent_path();
    if (!dir.empty()) {
        fs::create_directories(dir, ec);
        if (ec) return makeError(Errc::Io, dir.string() + ": cannot create the key directory: " + ec.message());
        ::chmod(dir.c_str(), 0700);
    }
    EVP_PKEY *k = nullptr;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &k) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return makeError(Errc::Internal, "cannot generate an Ed25519 key");
    // Written to a temporary name then renamed, so that two first uses never leave half a key.
    std::string tmp = path + ".tmp" + std::to_string(::getpid());
    mode_t old = ::umask(077);
    FILE *f = std::fopen(tmp.c_str(), "wx");
    ::umask(old);
    if (!f) {
        EVP_PKEY_free(k);
        return makeError(Errc::Io, path + ": cannot create the key file");
    }
    bool written = PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    written = (std::fclose(f) == 0) && written;
    EVP_PKEY_free(k);
    if (!written) {
        fs::remove(tmp, ec);
        return makeError(Errc::Io, path + ": cannot write the key file");
    }
    if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
        fs::remove(tmp, ec);
        return makeError(Errc::Io, path + ": cannot create the key file");
    }
    fs::remove(tmp, ec);
    return load(path);
}

bool WorkshopKey::canSign() const { return _impl && _impl->hasPrivate; }

std::string WorkshopKey::publicPem() const {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, _impl->key);
    char *data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return pem;
}

std::string WorkshopKey::fingerprint() const {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    EVP_PKEY_get_raw_public_key(_impl->key, raw, &len);
    unsigned char digest[32];
    unsigned int dlen = 0;
    EVP_Digest(raw, len, digest, &dlen, EVP_sha256(), nullptr);
    return hex(digest, dlen);
}

Result<std::string> WorkshopKey::sign(std::string_view data) const {
    if (!_impl || !_impl->hasPrivate) return makeError(Errc::Refused, "this key can only verify (no private key)");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    bool ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, _impl->key) == 1 &&
              EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &len,
                             reinterpret_cast<const unsigned char *>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return makeError(Errc::Internal, "Ed25519 signing failed");
    sig.resize(len);
    return sig;
}

bool WorkshopKey::verify(std::string_view data, std::string_view signature) const {
    if (!_impl) return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, _impl->key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char *>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string defaultKeyPath(const std::string &databasePath) {
    fs::path dir = fs::path(databasePath).parent_path();
    return (dir / "keys" / "workshop-ed25519.pem").string();
}

std::string newCertificateId() {
    unsigned char r[4];
    RAND_bytes(r, sizeof r);
    auto now = utcTimestamp(std::chrono::system_clock::now());
    return "RC-" + now.substr(0, 4) + now.substr(5, 2) + now.substr(8, 2) + "-" + hex(r, sizeof r);
}

CertificateFields certificateFieldsFrom(const WipeReport &r, const WipeMethod &method) {
    CertificateFields f;
    f.manufacturer = r.target.vendor;
    f.model = r.target.model;
    f.serial = r.target.serial;
    f.firmware = r.target.firmware;
    f.mediaType = r.target.mediaType();
    f.capacityBytes = r.target.sizeBytes;
    f.hiddenArea = r.hiddenArea;
    f.sectorSize = r.target.logicalSectorSize;
    f.level = r.level;
    f.method = r.method;
    f.methodDescription = std::string(method.label);
    for (auto p : method.passes) f.passes.emplace_back(toString(p));
    f.toolVersion = REEMPLOI_VERSION;
    f.result = std::string(toString(r.outcome));
    f.startedAt = r.startedAt;
    f.endedAt = r.endedAt;
    f.durationSeconds = r.durationSeconds;
    f.bytesWritten = r.bytesWritten;
    f.throughputMBps = r.writeMBps();
    f.lastLba = r.lastLba;
    f.errors = r.errors;
    f.verificationMethod = std::string(toString(r.verification));
    f.verificationResult = r.verificationResult;
    f.bytesVerified = r.bytesVerified;
    f.sampleSubsections = r.sampleSubsections;
    return f;
}

namespace {

json::Object personJson(const Person &p, const std::string &date) {
    json::Object o;
    o.set("name", p.name).set("position", p.position).set("location", p.location).set("contact", p.contact);
    o.set("date", date);
    return o;
}

double round2(double v) { return static_cast<double>(static_cast<std::int64_t>(v * 100 + 0.5)) / 100; }

}  // namespace

std::string canonicalCertificate(const CertificateFields &f) {
    json::Object media;
    media.set("manufacturer", f.manufacturer).set("model", f.model).set("serial", f.serial);
    media.set("firmware", f.firmware).set("type", f.mediaType).set("capacity_bytes", f.capacityBytes);
    media.set("logical_sector_size", static_cast<std::uint64_t>(f.sectorSize));
    media.set("hidden_area", f.hiddenArea);
    media.set("identity_evidence", f.identityEvidence);
    json::Object property;
    property.set("unit_tag", f.unitTag).set("donor_tag", f.donorTag);
    media.set("property_number", property);
    json::Object source;
    source.set("donor", f.donor).set("donation", f.donation);
    media.set("source", source);

    json::Object san;
    san.set("category", toString(f.level)).set("method", f.method).set("description", f.methodDescription);
    json::Array passes;
    for (const auto &p : f.passes) passes.add(p);
    san.raw("passes", passes.str());
    json::Object tool;
    tool.set("name", f.tool).set("version", f.toolVersion);
    san.set("tool", tool);
    san.set("result", f.result).set("started_at", f.startedAt).set("ended_at", f.endedAt);
    san.set("duration_seconds", round2(f.durationSeconds)).set("bytes_written", f.bytesWritten);
    san.set("throughput_mb_s", round2(f.throughputMBps));
    if (f.lastLba) san.set("last_lba", *f.lastLba);
    else san.null("last_lba");
    json::Array errors;
    for (const auto &e : f.errors) {
        json::Object o;
        o.set("lba", e.lba).set("message", e.message);
        errors.add(o);
    }
    san.raw("errors", errors.str());
    san.set("performed_by", personJson(f.sanitizedBy, f.endedAt.substr(0, 10)));

    json::Object ver;
    ver.set("method", f.verificationMethod).set("result", f.verificationResult);
    ver.set("bytes_verified", f.bytesVerified).set("subsections", f.sampleSubsections);
    ver.set("performed_by", personJson(f.verifiedBy, f.endedAt.substr(0, 10)));

    json::Object issuer;
    issuer.set("workshop", f.workshop).set("contact", f.workshopContact);

    json::Object cert;
    cert.set("format", "reemploi-sanitization-certificate/1");
    cert.set("certificate_id", f.id).set("issued_at", f.issuedAt).set("issuer", issuer);
    cert.set("media", media).set("sanitization", san).set("verification", ver);
    cert.set("destination", f.destination);
    if (f.auditHead) cert.set("audit_head", json::Object().set("event", f.auditHead->event).set("hash", f.auditHead->hash));
    if (f.signedWhere) cert.set("signed", *f.signedWhere);
    return cert.str();
}

Result<IssuedCertificate> issueCertificate(const CertificateFields &fields, const WorkshopKey &key) {
    IssuedCertificate c;
    c.fields = fields;
    if (c.fields.id.empty()) c.fields.id = newCertificateId();
    if (c.fields.issuedAt.empty()) c.fields.issuedAt = utcTimestamp(std::chrono::system_clock::now());
    c.json = canonicalCertificate(c.fields);
    auto sig = key.sign(c.json);
    if (!sig) return sig.error();
    c.signature = std::move(*sig);
    c.keyFingerprint = key.fingerprint();
    return c;
}

Result<CertificateFiles> writeCertificateFiles(const IssuedCertificate &c, const std::string &path) {
    CertificateFiles files;
    files.json = path;
    files.signature = path + ".sig";
    fs::path p(path);
    files.pdf = (p.extension() == ".json" ? fs::path(p).replace_extension(".pdf") : fs::path(path + ".pdf")).string();
    std::error_code ec;
    if (!p.parent_path().empty()) fs::create_directories(p.parent_path(), ec);
    // Checked after close(): a full disk shows only when the buffer is flushed.
    auto write = [](const std::string &file, const std::string &bytes, const char *what) -> Status {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
        out.close();
        if (!out) return makeError(Errc::Io, file + ": cannot write the " + what + ": " + std::strerror(errno));
        return {};
    };
    REEMPLOI_TRY(write(files.json, c.json, "certificate"));
    REEMPLOI_TRY(write(files.signature, c.signature, "signature"));
    REEMPLOI_TRY(renderCertificatePdf(c, files.pdf));
    return files;
}

namespace {

// Flattens JSON into "a.b[2].c" → value text, to name what changed between two versions.
void flatten(const Poco::Dynamic::Var &v, const std::string &path, std::map<std::string, std::string> &out) {
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto o = v.extract<Poco::JSON::Object::Ptr>();
        for (const auto &[k, child] : *o) flatten(child, path.empty() ? k : path + "." + k, out);
    } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto a = v.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < a->size(); ++i) flatten(a->get(i), path + "[" + std::to_string(i) + "]", out);
        if (a->size() == 0) out[path] = "[]";
    } else if (v.isEmpty()) {
        out[path] = "null";
    } else if (v.isString()) {
        out[path] = json::quote(v.toString());
    } else {
        out[path] = v.toString();
    }
}

Result<Poco::Dynamic::Var> parseJson(std::string_view text) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(std::string(text));
    } catch (const Poco::Exception &e) {
        return makeError(Errc::InvalidInput, "not valid JSON: " + e.displayText());
    }
}

// A certificate's text as a JSON object, or InvalidInput saying why it is not one.
Result<Poco::JSON::Object::Ptr> certificateObject(std::string_view text) {
    auto v = parseJson(text);
    if (!v) return v.error();
    if (v->type() != typeid(Poco::JSON::Object::Ptr))
        return makeError(Errc::InvalidInput, "not a certificate: the JSON is not an object");
    return v->extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

Result<std::string> certificateIdOf(std::string_view text) {
    auto parsed = certificateObject(text);
    if (!parsed) return parsed.error();
    auto o = *parsed;
    if (!o->has("certificate_id") || !o->get("certificate_id").isString())
        return makeError(Errc::InvalidInput, "not a certificate: no \"certificate_id\" field");
    return o->getValue<std::string>("certificate_id");
}

CertificateCheck verifyCertificate(std::string_view text, std::string_view signature, const WorkshopKey &key,
                                   const std::optional<std::string> &issuedJson) {
    CertificateCheck check;
    auto id = certificateIdOf(text);
    if (id) check.certificateId = *id;
    if (signature.size() != 64) {
        check.problem = "the signature is " + std::to_string(signature.size()) + " bytes, an Ed25519 one is 64";
        return check;
    }
    if (key.verify(text, signature)) {
        check.valid = true;
        return check;
    }
    if (!id) {
        check.problem = "the signature does not match, and the file is no longer a certificate (" + id.error().message + ")";
        return check;
    }
    if (issuedJson && *issuedJson == text) {
        check.problem = "the certificate is as issued but the signature does not match it (another signature file, "
                        "or another workshop's key)";
        return check;
    }
    if (issuedJson) {
        auto given = parseJson(text);
        auto issued = parseJson(*issuedJson);
        if (given && issued) {
            std::map<std::string, std::string> a, b;
            flatten(*issued, "", a);
            flatten(*given, "", b);
            for (const auto &[k, v] : a) {
                auto it = b.find(k);
                if (it == b.end()) check.changes.push_back(k + ": removed (issued " + v + ")");
                else if (it->second != v) check.changes.push_back(k + ": issued " + v + ", now " + it->second);
            }
            for (const auto &[k, v] : b)
                if (!a.count(k)) check.changes.push_back(k + ": added (" + v + ")");
        }
        if (check.changes.empty()) {
            check.problem = "the certificate's content is as issued but its bytes changed (spacing or key order): "
                            "only the canonical form issued is signed";
            return check;
        }
        std::string list;
        for (const auto &c : check.changes) list += (list.empty() ? "" : "; ") + c;
        check.problem = "the certificate was changed after signing: " + list;
        return check;
    }
    check.problem = "the signature does not match: the certificate was changed after signing, or signed with "
                    "another key";
    return check;
}

}  // namespace reemploi::diagnostics::storage

namespace reemploi::diagnostics::storage {

namespace {

// Reads fields at dotted paths of a certificate, remembering the first one missing or mistyped.
class FieldReader {
public:
    explicit FieldReader(Poco::JSON::Object::Ptr root) : _root(std::move(root)) {}

    std::string text(const std::string &path) {
        auto v = at(path);
        if (!v) return {};
        if (!v->isString()) return fail(path, "is not text"), std::string();
        return v->convert<std::string>();
    }
    std::uint64_t count(const std::string &path) {
        auto v = at(path);
        if (!v) return 0;
        if (!v->isInteger() || v->convert<Poco::Int64>() < 0) return fail(path, "is not a whole number"), 0;
        return v->convert<Poco::UInt64>();
    }
    double number(const std::string &path) {
        auto v = at(path);
        if (!v) return 0;
        if (!v->isNumeric()) return fail(path, "is not a number"), 0.0;
        return v->convert<double>();
    }
    std::optional<std::uint64_t> optionalCount(const std::string &path) {
        auto v = at(path);
        if (!v || v->isEmpty()) return std::nullopt;
        return count(path);
    }
    bool has(const std::string &key) const { return _root && _root->has(key); }
    Poco::JSON::Array::Ptr array(const std::string &path) {
        auto v = at(path);
        if (!v) return nullptr;
        if (v->type() != typeid(Poco::JSON::Array::Ptr)) return fail(path, "is not a list"), nullptr;
        return v->extract<Poco::JSON::Array::Ptr>();
    }
    Person person(const std::string &path) {
        return {text(path + ".name"), text(path + ".position"), text(path + ".location"), text(path + ".contact")};
    }
    void fail(const std::string &path, const std::string &what) {
        if (!_error) _error = makeFieldError(Errc::InvalidInput, path, "not a certificate: \"" + path + "\" " + what);
    }
    const std::optional<Error> &error() const { return _error; }

private:
    std::optional<Poco::Dynamic::Var> at(const std::string &path) {
        Poco::JSON::Object::Ptr o = _root;
        std::size_t from = 0;
        for (;;) {
            std::size_t dot = path.find('.', from);
            std::string key = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
            if (!o || !o->has(key)) return fail(path, "is missing"), std::nullopt;
            if (dot == std::string::npos) return o->get(key);
            auto next = o->get(key);
            if (next.type() != typeid(Poco::JSON::Object::Ptr)) return fail(path, "is missing"), std::nullopt;
            o = next.extract<Poco::JSON::Object::Ptr>();
            from = dot + 1;
        }
    }

    Poco::JSON::Object::Ptr _root;
    std::optional<Error> _error;
};

}  // namespace

Result<CertificateFields> certificateFieldsOf(std::string_view json) {
    auto parsed = certificateObject(json);
    if (!parsed) return parsed.error();
    FieldReader r(*parsed);
    if (r.text("format") != "reemploi-sanitization-certificate/1" && !r.error())
        return makeError(Errc::InvalidInput, "not a certificate: unknown \"format\"");
    CertificateFields f;
    f.id = r.text("certificate_id");
    f.issuedAt = r.text("issued_at");
    f.workshop = r.text("issuer.workshop");
    f.workshopContact = r.text("issuer.contact");
    f.manufacturer = r.text("media.manufacturer");
    f.model = r.text("media.model");
    f.serial = r.text("media.serial");
    f.firmware = r.text("media.firmware");
    f.mediaType = r.text("media.type");
    f.capacityBytes = r.count("media.capacity_bytes");
    f.sectorSize = static_cast<std::uint32_t>(r.count("media.logical_sector_size"));
    f.hiddenArea = r.text("media.hidden_area");
    f.identityEvidence = r.text("media.identity_evidence");
    f.unitTag = r.text("media.property_number.unit_tag");
    f.donorTag = r.text("media.property_number.donor_tag");
    f.donor = r.text("media.source.donor");
    f.donation = r.text("media.source.donation");
    const std::string level = r.text("sanitization.category");
    for (NistLevel l : {NistLevel::Clear, NistLevel::Purge, NistLevel::Destroy})
        if (toString(l) == level) f.level = l;
    f.method = r.text("sanitization.method");
    f.methodDescription = r.text("sanitization.description");
    if (auto passes = r.array("sanitization.passes"))
        for (const auto &p : *passes) f.passes.push_back(p.isString() ? p.convert<std::string>() : std::string());
    f.tool = r.text("sanitization.tool.name");
    f.toolVersion = r.text("sanitization.tool.version");
    f.result = r.text("sanitization.result");
    f.startedAt = r.text("sanitization.started_at");
    f.endedAt = r.text("sanitization.ended_at");
    f.durationSeconds = r.number("sanitization.duration_seconds");
    f.bytesWritten = r.count("sanitization.bytes_written");
    f.throughputMBps = r.number("sanitization.throughput_mb_s");
    f.lastLba = r.optionalCount("sanitization.last_lba");
    if (auto errors = r.array("sanitization.errors"))
        for (std::size_t i = 0; i < errors->size(); ++i) {
            auto e = errors->getObject(static_cast<unsigned>(i));
            if (!e) {
                r.fail("sanitization.errors", "holds something other than errors");
                break;
            }
            FieldReader er(e);
            f.errors.push_back({er.count("lba"), er.text("message")});
            if (er.error()) r.fail("sanitization.errors", "holds an error without lba and message");
        }
    f.sanitizedBy = r.person("sanitization.performed_by");
    f.verificationMethod = r.text("verification.method");
    f.verificationResult = r.text("verification.result");
    f.bytesVerified = r.count("verification.bytes_verified");
    f.sampleSubsections = r.count("verification.subsections");
    f.verifiedBy = r.person("verification.performed_by");
    f.destination = r.text("destination");
    if (r.has("audit_head")) f.auditHead = AuditHeadRef{static_cast<std::int64_t>(r.count("audit_head.event")),
                                                        r.text("audit_head.hash")};
    if (r.has("signed")) f.signedWhere = r.text("signed");
    if (r.error()) return *r.error();
    // What is drawn must be what was signed: a text that the fields do not give back exactly
    // (another key order, an added field, a changed date) is not a certificate as issued.
    if (canonicalCertificate(f) != json)
        return makeError(Errc::InvalidInput, "not a certificate as issued: its text is not the canonical form of its fields");
    return f;
}

}  // namespace reemploi::diagnostics::storage
