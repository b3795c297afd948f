"""Embed mlpy in your own FastAPI app: pricing rules that your users write in ML.

Your service keeps its own routes and models; mlpy runs the user-written part. One
`AsyncMLExecutor` is created by the app's lifespan and shared by every request: scripts run
in its worker threads, so the event loop keeps serving while they run, and a runaway rule
stops at its timeout.

    pip install -r requirements.txt      # and mlpy itself: pip install -e '../..[server]'
    python app.py                        # or: uvicorn app:app
    open http://127.0.0.1:8000/docs

Routes:
    GET  /rules                  the rules and their code
    PUT  /rules/{name}           save a rule (checked first: errors come back with line and column)
    POST /rules/{name}/price     run a rule on an order
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

import mlpy
from mlpy.executor import AsyncMLExecutor

#: seconds a rule may run
RULE_TIMEOUT = 2.0

#: the rules your users have written (a real app would keep them in a database)
RULES: dict[str, str] = {
    "bulk_discount": """\
// 10% off orders over 100, 20% off orders over 500
total = 0;
for (item in items) {
    total = total + item.qty * item.price;
}
rate = total > 500 ? 0.2 : total > 100 ? 0.1 : 0;
result = {total: total, discount: round(total * rate, 2), pay: round(total * (1 - rate), 2)};
""",
    "free_shipping": """\
// free shipping for members, or from 50 up
total = sum(items.map(fn(i) => i.qty * i.price));
result = member || total >= 50 ? 0 : 4.95;
""",
}


class Item(BaseModel):
    sku: str
    qty: int = Field(gt=0)
    price: float = Field(ge=0)


class Order(BaseModel):
    items: list[Item]
    member: bool = False

    model_config = {
        "json_schema_extra": {
            "examples": [{"items": [{"sku": "pen", "qty": 30, "price": 4.5}], "member": False}]
        }
    }


class Rule(BaseModel):
    code: str = Field(max_length=20_000)

    model_config = {"json_schema_extra": {"examples": [{"code": "result = len(items) * 2;"}]}}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with AsyncMLExecutor(max_workers=4, strict_security=True) as executor:
        app.state.executor = executor
        yield


app = FastAPI(title="Pricing rules", lifespan=lifespan)


def get_executor(request: Request) -> AsyncMLExecutor:
    executor: AsyncMLExecutor = request.app.state.executor
    return executor


Executor = Annotated[AsyncMLExecutor, Depends(get_executor)]


@app.get("/rules")
async def list_rules() -> dict[str, str]:
    return RULES


@app.put("/rules/{name}")
async def save_rule(name: str, rule: Rule) -> dict[str, Any]:
    errors = mlpy.check(rule.code, strict_security=True)
    if errors:
        detail = [
            {"type": e.error_type, "message": e.message, "line": e.line, "column": e.column} for e in errors
        ]
        raise HTTPException(422, detail)
    RULES[name] = rule.code
    return {"saved": name}


@app.post("/rules/{name}/price")
async def price(name: str, order: Order, executor: Executor) -> dict[str, Any]:
    code = RULES.get(name)
    if code is None:
        raise HTTPException(404, f"no rule named {name!r}")
    result = await executor.execute(code, timeout=RULE_TIMEOUT, context=order.model_dump())
    if not result.success:
        # The rule's author made a mistake (or it ran too long): report it like a bad request.
        raise HTTPException(
            422,
            {"error": result.error, "type": result.error_type, "line": result.error_line},
        )
    return {"rule": name, "result": result.value, "output": result.stdout}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
