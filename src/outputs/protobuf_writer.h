// Writes the protobuf wire format (varints, length-delimited fields, fixed64
// doubles): enough for Prometheus remote write's four small messages, which
// are stable, so a generated-code dependency (protoc + libprotobuf) would cost
// more than these lines. Field numbers are the caller's.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace squall::outputs {

class ProtobufWriter {
 public:
  void string_field(int field, std::string_view value) {
    tag(field, kLengthDelimited);
    varint(value.size());
    bytes_.append(value);
  }
  // An embedded message, already encoded.
  void message_field(int field, const ProtobufWriter& message) { string_field(field, message.bytes_); }
  void double_field(int field, double value) {
    tag(field, kFixed64);
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void int64_field(int field, int64_t value) {
    tag(field, kVarint);
    varint(static_cast<uint64_t>(value));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
  void tag(int field, WireType type) { varint((static_cast<uint64_t>(field) << 3) | type); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
  }
  std::string bytes_;
};

}  // namespace squall::outputs
