// Who made a link or a request, as this service knows it (the box in templates/_sender.html): an
// address its sign-in verified, or plainly nobody verified. The reveal page says "Sent by", the
// answer page "Requested by". The address goes in as text (an isolated <bdi>), never as markup.
import { $, say, show } from "./ui.js";

// The catalog keys of each page's sentences: [verified, its note, not verified, its note].
const SAYINGS = {
  sender: ["sender_verified", "sender_verified_note", "sender_unverified", "sender_unverified_note"],
  requester: ["requester_verified", "requester_verified_note", "requester_unverified", "requester_unverified_note"],
};

/** Fill in and show the box for `address` (a verified e-mail, or anything else for nobody verified), as `who` says it. */
export function showVerified(address, who = "sender") {
  const [verifiedKey, verifiedNote, unverifiedKey, unverifiedNote] = SAYINGS[who];
  const box = $("#sender");
  const verified = typeof address === "string" && address !== "";
  box.classList.toggle("verified", verified);
  box.classList.toggle("unverified", !verified);
  if (verified) {
    say($("#sender-line"), verifiedKey, { email: { exact: address } });
    say($("#sender-note"), verifiedNote);
  } else {
    say($("#sender-line"), unverifiedKey);
    say($("#sender-note"), unverifiedNote);
  }
  show(box, true);
}

/** Hide the box: what an earlier key's link said does not hold for another. */
export function hideVerified() {
  show($("#sender"), false);
}
