#include "net/http1_writer.h"
#include "common/text.h"

#include <charconv>

#include "net/http1_parser.h"

namespace squall::net {

namespace {

void append_number(std::string& out, uint64_t n) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

bool valid_header_value(std::string_view value) {
  for (char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\t') || b == 0x7f) return false;
  }
  return true;
}

std::optional<std::string> invalid_request(const HttpRequest& request, const Headers& extra) {
  if (!valid_header_name(request.method)) return "net/http: invalid method \"" + request.method + "\"";
  for (const auto* list : {&request.headers, &extra}) {
    for (const auto& h : *list) {
      if (!valid_header_name(h.name)) return "net/http: invalid header field name \"" + h.name + "\"";
      if (!valid_header_value(h.value)) return "net/http: invalid header field value for \"" + h.name + "\"";
    }
  }
  return std::nullopt;
}

void write_request(std::string& out, const HttpRequest& request, const Headers& extra) {
  out.append(request.method);
  out.push_back(' ');
  out.append(request.url.target);
  out.append(" HTTP/1.1\r\n");
  bool has_host = false, has_length = false;
  for (const auto* list : {&request.headers, &extra}) {
    for (const auto& h : *list) {
      has_host = has_host || iequals(h.name, "host");
      has_length = has_length || iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding");
    }
  }
  if (!has_host) append_header(out, "Host", request.url.authority());
  for (const auto& h : request.headers) append_header(out, h.name, h.value);
  for (const auto& h : extra) append_header(out, h.name, h.value);
  const bool wants_length =
      !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (!has_length && wants_length) {
    out.append("Content-Length: ");
    append_number(out, request.body.size());
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(request.body);
}

void write_response(std::string& out, int status, std::string_view reason, const Headers& headers,
                    std::string_view body, bool keep_alive) {
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  for (const auto& h : headers) append_header(out, h.name, h.value);
  out.append("Content-Length: ");
  append_number(out, body.size());
  out.append(keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
  out.append(body);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace squall::net
