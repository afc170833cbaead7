"""Personal data kept off what the desk prints and exports (``masking``): finding and masking
身份证号, 手机号 and 银行卡号 in text and tables (``find``, ``has_unmasked``, ``mask_text``,
``mask_content``, ``mask_rows``).
"""
