"""telegram_events.py -- Telegram updates as the Lambda receives them: an
API Gateway (payload 2.0) event with the webhook's secret header and the
update as its body. For the Python tests that run `milkbot invoke`."""
import json
import os
import subprocess


def person(user_id, name):
    return {"id": user_id, "is_bot": False, "first_name": name}


def chat_of(chat_id, name):
    """A private chat (a positive id: its user's), a supergroup (-100...)
    or a basic group (another negative id)."""
    if chat_id > 0:
        return {"id": chat_id, "first_name": name, "type": "private"}
    kind = "supergroup" if chat_id < -1000000000000 else "group"
    return {"id": chat_id, "title": "Family", "type": kind}


def migration_update(update_id, chat_id, message_id, user_id, name, date, field, other):
    """The service message of a group upgraded to a supergroup: in the old
    chat `field` is "migrate_to_chat_id", in the new one
    "migrate_from_chat_id"; `other` is the other chat's id."""
    return {"update_id": update_id, "message": {
        "message_id": message_id, "from": person(user_id, name),
        "chat": chat_of(chat_id, name), "date": date, field: other}}


def message_update(update_id, chat_id, message_id, user_id, name, date, text):
    return {"update_id": update_id, "message": {
        "message_id": message_id, "from": person(user_id, name),
        "chat": chat_of(chat_id, name), "date": date, "text": text}}


def button_update(update_id, chat_id, reply_id, user_id, name, date, press, data):
    """A press of a button under the bot's reply `reply_id`."""
    return {"update_id": update_id, "callback_query": {
        "id": press, "from": person(user_id, name), "chat_instance": "1", "data": data,
        "message": {"message_id": reply_id, "chat": chat_of(chat_id, name), "date": date,
                    "from": {"id": 7391046628, "is_bot": True, "first_name": "MilkLog"},
                    "text": "🍼"}}}


def webhook_event(update, secret):
    return json.dumps({
        "version": "2.0", "routeKey": "POST /webhook", "rawPath": "/webhook",
        "rawQueryString": "", "isBase64Encoded": False,
        "headers": {"content-type": "application/json",
                    "x-telegram-bot-api-secret-token": secret},
        "requestContext": {"http": {"method": "POST", "path": "/webhook"}},
        "body": json.dumps(update)})


def invoke(milkbot, spec, env, update, secret, tmp):
    """`milkbot invoke` of the update on store `spec`: the text it answered
    ("" for none), else "status N" for another status than 200, or "exit
    N: ..." when it failed."""
    event = os.path.join(tmp, "event.json")
    with open(event, "w") as f:
        f.write(webhook_event(update, secret))
    run = subprocess.run([milkbot, "invoke", "--store", spec, event], env=env,
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        return f"exit {run.returncode}: {run.stderr.strip()}"
    status = json.loads(run.stdout).get("statusCode")
    return reply_text(run.stdout) if status == 200 else f"status {status}"


def reply_text(response):
    """The text milkbot answered with (sendMessage or answerCallbackQuery),
    from the Lambda response `milkbot invoke` prints; "" when none."""
    body = json.loads(response).get("body") or ""
    method = json.loads(body) if body else {}
    return method.get("text", "")
