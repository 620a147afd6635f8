// The probe's HTTP client: sign in, post the snapshot, sign out.
#include "services/SnapshotUpload.hpp"

#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <reemploi/common/Json.hpp>

namespace reemploi::app::snapshots {

namespace {

struct Reply {
    int status = 0;
    std::string body;
    std::string cookie;  // the session's, from Set-Cookie
};

Errc codeFor(int status, const std::string &code) {
    if (status == 401 || status == 403) return Errc::Forbidden;
    if (status == 404) return Errc::NotFound;
    if (status == 409) return code == "refused" ? Errc::Refused : Errc::Conflict;
    if (status == 400 || status == 422) return Errc::InvalidInput;
    if (status == 503) return Errc::Busy;
    return Errc::Io;
}

Error serverError(const Reply &r, const std::string &what) {
    std::string message = what + ": the server answered " + std::to_string(r.status);
    std::string code;
    try {
        Poco::JSON::Parser p;
        auto error = p.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("error");
        if (error) {
            message = error->optValue<std::string>("message", message);
            code = error->optValue<std::string>("code", "");
        }
    } catch (...) {
    }
    return makeError(codeFor(r.status, code), message);
}

}  // namespace

Result<std::string> uploadSnapshot(const UploadOptions &o, const std::string &snapshotJson) {
    Poco::URI uri;
    try {
        uri = Poco::URI(o.serverUrl);
    } catch (const Poco::Exception &) {
        return makeError(Errc::InvalidInput, "--server: not a URL: " + o.serverUrl);
    }
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
        return makeError(Errc::InvalidInput, "--server: give http://… or https://…, not " + o.serverUrl);
    if (o.user.empty()) return makeError(Errc::InvalidInput, "--server needs --user NAME (a trainee's account)");
    std::string base = uri.getPath();
    while (!base.empty() && base.back() == '/') base.pop_back();

    auto send = [&](const std::string &path, const std::string &body, const std::string &cookie,
                    const std::string &csrf) -> Result<Reply> {
        try {
            std::unique_ptr<Poco::Net::HTTPClientSession> session;
            if (uri.getScheme() == "https") {
                // The system's certificate authorities; a workshop server with its own certificate
                // needs it installed on the stick (README).
                Poco::Net::Context::Ptr tls = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                     Poco::Net::Context::VERIFY_RELAXED, 9, true);
                session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), tls);
            }
            else
                session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
            session->setTimeout(Poco::Timespan(o.timeoutSeconds, 0));
            Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, base + path, Poco::Net::HTTPMessage::HTTP_1_1);
            if (!cookie.empty()) {
                Poco::Net::NameValueCollection c;
                c.add("reemploi_session", cookie);
                req.setCookies(c);
            }
            if (!csrf.empty()) req.set("X-CSRF-Token", csrf);
            req.setContentType("application/json");
            req.setContentLength(static_cast<std::streamsize>(body.size()));
            session->sendRequest(req) << body;
            Poco::Net::HTTPResponse resp;
            std::istream &in = session->receiveResponse(resp);
            Reply r;
            r.status = resp.getStatus();
            std::ostringstream ss;
            Poco::StreamCopier::copyStream(in, ss);
            r.body = ss.str();
            std::vector<Poco::Net::HTTPCookie> cookies;
            resp.getCookies(cookies);
            for (const auto &c : cookies)
                if (c.getName() == "reemploi_session") r.cookie = c.getValue();
            return r;
        } catch (const Poco::Exception &e) {
            return makeError(Errc::Io, "cannot reach " + o.serverUrl + ": " + e.displayText());
        }
    };

    auto login = send("/api/login", json::Object().set("name", o.user).set("password", o.password).str(), "", "");
    if (!login) return login.error();
    if (login->status != 200) return serverError(*login, "signing in as " + o.user);
    std::string csrf;
    try {
        Poco::JSON::Parser p;
        csrf = p.parse(login->body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("csrf");
    } catch (...) {
        return makeError(Errc::Io, "signing in: the server's answer has no CSRF token (is " + o.serverUrl + " a reemploi server?)");
    }
    std::string path = "/api/snapshots";
    if (o.unitTag) path += "?unit=" + *o.unitTag;
    auto posted = send(path, snapshotJson, login->cookie, csrf);
    (void)send("/api/logout", "{}", login->cookie, csrf);  // best effort: the session expires anyway
    if (!posted) return posted.error();
    if (posted->status != 200) return serverError(*posted, "sending the snapshot");
    return posted->body;
}

}  // namespace reemploi::app::snapshots
