/** Cursor pagination shared by every list endpoint. */
package com.mka1.core.paging;
