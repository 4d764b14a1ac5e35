-- The 24-hour window check reads a number's latest incoming message for every message sent.
CREATE INDEX inbound_messages_sender ON inbound_messages (sender, received_at);
