"""Real Africa's Talking payloads, as AT sends and answers them."""

SEND_ACCEPTED = {
    "SMSMessageData": {
        "Message": "Sent to 1/1 Total Cost: KES 0.8000",
        "Recipients": [
            {"statusCode": 101, "number": "+254711XXXYYY", "status": "Success",
             "cost": "KES 0.8000", "messageId": "ATPid_SampleTxnId123"}
        ],
    }
}

# A failure inside an HTTP 200: no message id, status text instead of "Success".
SEND_FAILED_IN_200 = {
    "SMSMessageData": {
        "Message": "Sent to 0/1 Total Cost: 0",
        "Recipients": [
            {"statusCode": 403, "number": "+254711XXXYYY", "status": "InvalidPhoneNumber",
             "cost": "0", "messageId": "None"}
        ],
    }
}

SEND_COULD_NOT_SEND = {
    "SMSMessageData": {
        "Message": "Sent to 0/1 Total Cost: 0",
        "Recipients": [
            {"statusCode": 500, "number": "+254711XXXYYY", "status": "Could Not Send",
             "cost": "0", "messageId": "None"}
        ],
    }
}

INBOUND = {
    "date": "2026-11-25T09:12:44.123Z",
    "from": "+254711082001",
    "id": "2d8f3b7c-6a1e-4c2f-9d3b-1a2b3c4d5e6f",
    "linkId": "SampleLinkId123",
    "text": "JOIN",
    "to": "21212",
    "networkCode": "63902",
}

DELIVERY_REPORT = {
    "id": "ATXid_sample",
    "status": "Success",
    "phoneNumber": "+254711082001",
    "networkCode": "63902",
    "failureReason": "",
    "retryCount": "0",
}

OPT_OUT = {"senderId": "HAKIYETU", "phoneNumber": "+254711082001"}
