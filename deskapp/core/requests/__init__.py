"""依申请公开: the request register, its statutory clock (Art. 30–33) and 复议/诉讼 records."""
