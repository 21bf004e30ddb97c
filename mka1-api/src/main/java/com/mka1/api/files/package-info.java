/** Files: uploaded training data and the result files jobs produce ({@code /files}). */
package com.mka1.api.files;
