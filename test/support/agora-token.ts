// The package's own Token007 parser (not part of its typed public API).
const { AccessToken2, ServiceRtc, kRtcServiceType } = require('agora-token/src/AccessToken2');

/** Agora's RTC privilege numbers, from the package. */
export const RtcPrivilege = ServiceRtc as {
  kPrivilegeJoinChannel: number;
  kPrivilegePublishAudioStream: number;
  kPrivilegePublishVideoStream: number;
  kPrivilegePublishDataStream: number;
};

/** Decodes a token with agora-token's parser: its signature (against `certificate`), app id, channel, uid and privileges. */
export function decodeRtcToken(token: string, certificate: string) {
  const parsed = new AccessToken2();
  expect(parsed.from_string(token)).toBe(true);
  const [rtc] = parsed.getServices(kRtcServiceType);
  return {
    signed: parsed.verifySignature(certificate) as boolean,
    appId: String(parsed.appId),
    channel: String(rtc.__channel_name),
    uid: String(rtc.__uid),
    privileges: Object.keys(rtc.__privileges).map(Number),
  };
}
