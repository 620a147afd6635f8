// A small HTTP client for the API tests: a cookie jar, the CSRF token, JSON bodies (Poco's
// HTTPClientSession against the real server started in-process on a free port).
#pragma once

#include <map>
#include <sstream>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

namespace reemploi::test {

struct ApiReply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;

    Poco::JSON::Object::Ptr json() const {
        Poco::JSON::Parser p;
        return p.parse(body).extract<Poco::JSON::Object::Ptr>();
    }
    std::string errorCode() const { return json()->getObject("error")->getValue<std::string>("code"); }
};

class ApiClient {
public:
    explicit ApiClient(int port) : _port(port) {}

    ApiReply send(const std::string &method, const std::string &path, const std::string &body = {},
                  const std::map<std::string, std::string> &extra = {}, bool withCsrf = true) {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
        session.setTimeout(Poco::Timespan(20, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!_cookie.empty()) {
            Poco::Net::NameValueCollection c;
            c.add("reemploi_session", _cookie);
            req.setCookies(c);
        }
        if (withCsrf && !csrf.empty()) req.set("X-CSRF-Token", csrf);
        for (const auto &[k, v] : extra) req.set(k, v);
        if (!body.empty() || method == "POST") {
            req.setContentType(contentType);
            req.setContentLength(static_cast<std::streamsize>(body.size()));
            session.sendRequest(req) << body;
        } else {
            session.sendRequest(req);
        }
        Poco::Net::HTTPResponse resp;
        std::istream &in = session.receiveResponse(resp);
        ApiReply r;
        r.status = resp.getStatus();
        std::ostringstream ss;
        Poco::StreamCopier::copyStream(in, ss);
        r.body = ss.str();
        for (const auto &[k, v] : resp) r.headers[k] = v;
        std::vector<Poco::Net::HTTPCookie> cookies;
        resp.getCookies(cookies);
        for (const auto &c : cookies)
            if (c.getName() == "reemploi_session") {
                _cookie = c.getMaxAge() == 0 ? "" : c.getValue();
                r.headers["Set-Cookie"] = c.toString();
            }
        return r;
    }
    ApiReply get(const std::string &path) { return send("GET", path); }
    // A file as the request's body (the upload routes).
    ApiReply upload(const std::string &path, const std::string &bytes, const std::string &type = "text/csv") {
        contentType = type;
        auto r = send("POST", path, bytes);
        contentType = "application/json";
        return r;
    }
    ApiReply post(const std::string &path, const std::string &body) { return send("POST", path, body); }

    ApiReply login(const std::string &name, const std::string &password) {
        auto r = post("/api/login", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
        if (r.status == 200) csrf = r.json()->getValue<std::string>("csrf");
        return r;
    }
    const std::string &cookie() const { return _cookie; }  // the session cookie's value
    void forget() {
        _cookie.clear();
        csrf.clear();
    }

    std::string csrf;
    std::string contentType = "application/json";

private:
    int _port;
    std::string _cookie;
};

}  // namespace reemploi::test
